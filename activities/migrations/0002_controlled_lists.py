"""The first controlled lists of topics and communities. Rubric admins keep them afterwards
(/activities/lists/topics/ and /activities/lists/communities/)."""

from django.db import migrations

TOPICS = [
    "Urgent and emergency care",
    "Primary care and GP access",
    "Mental health",
    "Maternity and neonatal care",
    "Children and young people's services",
    "Social care",
    "Prevention and public health",
    "Long-term conditions",
    "Cancer care",
    "End of life care",
    "Learning disability and autism",
    "Hospital discharge",
    "Community services",
    "Pharmacy",
    "Dental services",
    "Health inequalities",
    "Service changes and reconfiguration",
    "Strategy and plans",
]

COMMUNITIES = [
    ("Children and young people (under 18)", "age"),
    ("Young adults (18 to 24)", "age"),
    ("Older people (65 and over)", "age"),
    ("Disabled people", "protected"),
    ("Minority ethnic communities", "protected"),
    ("Lesbian, gay, bisexual and trans people", "protected"),
    ("Women and pregnant people", "protected"),
    ("Faith communities", "protected"),
    ("People experiencing homelessness", "inclusion"),
    ("Gypsy, Roma and Traveller communities", "inclusion"),
    ("Refugees and asylum seekers", "inclusion"),
    ("People who use drugs or alcohol", "inclusion"),
    ("People in contact with the justice system", "inclusion"),
    ("Unpaid carers", "carers"),
    ("People who use services", "service_users"),
    ("Patients and their families", "service_users"),
    ("Staff", "staff"),
    ("The general public", "other"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("activities", "Topic")
    Community = apps.get_model("activities", "Community")
    for position, name in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(name=name, defaults={"position": position})
    for position, (name, group) in enumerate(COMMUNITIES, start=1):
        Community.objects.get_or_create(name=name, defaults={"position": position, "group": group})


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
