"""A person's permissions in one query instead of Django's two.

Every signed-in page asks at least once what the person may do: the second-factor middleware
(`accounts.two_factor.needs_two_factor`), the navigation and the access helpers
(`organisations.roles`). Django's ModelBackend answers the first question of a request with two
queries, the person's own permissions and their groups', each built by the ORM. This backend,
listed just before ModelBackend in AUTHENTICATION_BACKENDS, reads both in one plain SQL query
and leaves them where ModelBackend keeps them for the rest of the request (on the user object:
`_user_perm_cache`, `_group_perm_cache` and `_perm_cache`), so ModelBackend answers from them
without asking again. Nothing is kept beyond the request's user object, as with Django's own
backend: a change to a person's groups or permissions counts from their next request.

It signs nobody in (`authenticate` returns None, and it has no `get_user`), so sessions, the
sign-in throttling and the session's backend (still ModelBackend) are as before. Superusers are
left to ModelBackend (every permission; `User.has_perm` says yes to them before any backend is
asked), and so are inactive people and object permissions (none, as ModelBackend says).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection

_PERMISSION = Permission._meta.db_table
_CONTENT_TYPE = ContentType._meta.db_table
_USER_PERMISSIONS = User.user_permissions.through._meta.db_table
_GROUP_PERMISSIONS = Group.permissions.through._meta.db_table
_USER_GROUPS = User.groups.through._meta.db_table

# ("u" or "g", app label, codename): the person's own permissions, then their groups'.
SQL = (
    f"SELECT 'u', ct.app_label, p.codename FROM {_PERMISSION} p "  # noqa: S608 - the models' table names; the id is a parameter
    f"JOIN {_CONTENT_TYPE} ct ON ct.id = p.content_type_id "
    f"JOIN {_USER_PERMISSIONS} up ON up.permission_id = p.id WHERE up.user_id = %s "
    "UNION ALL "
    f"SELECT 'g', ct.app_label, p.codename FROM {_PERMISSION} p "
    f"JOIN {_CONTENT_TYPE} ct ON ct.id = p.content_type_id "
    f"JOIN {_GROUP_PERMISSIONS} gp ON gp.permission_id = p.id "
    f"JOIN {_USER_GROUPS} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s"
)


def load_permissions(user_obj) -> None:
    """Fill ModelBackend's per-object caches of the person's permissions in one query, unless
    they are filled already or ModelBackend answers without the database anyway."""
    if (
        not user_obj.is_active
        or user_obj.is_anonymous
        or user_obj.is_superuser
        or hasattr(user_obj, "_perm_cache")
        or hasattr(user_obj, "_user_perm_cache")
        or hasattr(user_obj, "_group_perm_cache")
    ):
        return
    own: set[str] = set()
    groups: set[str] = set()
    with connection.cursor() as cursor:
        cursor.execute(SQL, [user_obj.pk, user_obj.pk])
        for source, app_label, codename in cursor.fetchall():
            (own if source == "u" else groups).add(f"{app_label}.{codename}")
    user_obj._user_perm_cache = own
    user_obj._group_perm_cache = groups
    user_obj._perm_cache = own | groups


class OneQueryPermissionsBackend:
    """Loads the person's permissions for ModelBackend, which is listed after it and answers.

    `has_perm` always returns False here: whether the person holds the permission is
    ModelBackend's answer, given from what this loaded."""

    def authenticate(self, request, **credentials):
        return None

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if obj is None:
            load_permissions(user_obj)
        return False

    def has_module_perms(self, user_obj, app_label) -> bool:
        load_permissions(user_obj)
        return False

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        if obj is None:
            load_permissions(user_obj)
        return set()
