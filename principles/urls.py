"""The rubric pages, under /rubric/ (included from engagement_portal/urls.py)."""

from django.urls import path

from principles import views

urlpatterns = [
    path("", views.current, name="rubric_current"),
    path("versions/", views.version_list, name="rubric_version_list"),
    # Before <label>/: a version cannot be labelled "new" (the label form refuses it).
    path("versions/new/", views.version_new, name="rubric_version_new"),
    path("versions/<str:label>/", views.version_detail, name="rubric_version"),
    path("versions/<str:label>/edit/", views.version_edit, name="rubric_version_edit"),
    path("versions/<str:label>/publish/", views.version_publish, name="rubric_version_publish"),
    path("versions/<str:label>/retire/", views.version_retire, name="rubric_version_retire"),
    path("versions/<str:label>/delete/", views.version_delete, name="rubric_version_delete"),
    path("versions/<str:label>/scoring-rule/edit/", views.rule_edit, name="rubric_rule_edit"),
    path(
        "versions/<str:label>/categories/<str:code>/edit/", views.category_edit, name="rubric_category_edit"
    ),
    path("versions/<str:label>/history/", views.version_history, name="rubric_version_history"),
    path("versions/<str:label>/export.yaml", views.version_export, name="rubric_version_export"),
    path("versions/<str:label>/principles/<int:number>/", views.principle_detail, name="rubric_principle"),
    path(
        "versions/<str:label>/principles/<int:number>/edit/",
        views.principle_edit,
        name="rubric_principle_edit",
    ),
    path(
        "versions/<str:label>/principles/<int:number>/criteria/new/",
        views.criterion_add,
        name="rubric_criterion_add",
    ),
    path(
        "versions/<str:label>/principles/<int:number>/evidence/new/",
        views.evidence_add,
        name="rubric_evidence_add",
    ),
    path(
        "versions/<str:label>/principles/<int:number>/evidence/<int:item_id>/edit/",
        views.evidence_edit,
        name="rubric_evidence_edit",
    ),
    path(
        "versions/<str:label>/principles/<int:number>/evidence/<int:item_id>/remove/",
        views.evidence_remove,
        name="rubric_evidence_remove",
    ),
    path(
        "versions/<str:label>/criteria/<str:code>/edit/", views.criterion_edit, name="rubric_criterion_edit"
    ),
    path(
        "versions/<str:label>/criteria/<str:code>/move/", views.criterion_move, name="rubric_criterion_move"
    ),
    path(
        "versions/<str:label>/criteria/<str:code>/remove/",
        views.criterion_remove,
        name="rubric_criterion_remove",
    ),
    path("compare/", views.compare, name="rubric_compare"),
    path("import/", views.import_rubric, name="rubric_import"),
]
