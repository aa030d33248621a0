"""The password backend: Django's own, reading a session's user with its staff record at once."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class UserBackend(ModelBackend):
    """:class:`ModelBackend`, whose ``get_user`` (run once per request that has a session) joins
    the staff record: every staff page asks for it next (``permissions.staff_of``), so the two
    reads are one statement; an applicant's missing record is remembered the same way."""

    def get_user(self, user_id: Any) -> Any:
        model = get_user_model()
        try:
            # The staff home and most pages' headers show the member's region and department.
            user = model._default_manager.select_related("staff__region", "staff__department").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
