"""The password hasher: Argon2id with parameters sized for a hall's morning burst.

Django's own Argon2 parameters (100 MiB of memory, parallelism 8) cost about a third of a second
of both cores of the documented production server per login: 25 staff arriving at once waited
7.6 s for the last login. OWASP's Password Storage Cheat Sheet lists equivalent Argon2id settings
that trade memory for passes; its first one, 19 MiB, two passes, one lane, costs a tenth of that
and still makes each guess of a stolen hash cost 19 MiB of memory, which is what defeats GPU
cracking. ``bench/http.py`` measures the burst (200 staff within a minute). A hash made with other
parameters (Django's, or older ones) is still verified, and re-hashed with these at the next
successful login (Django's ``must_update``).
"""

from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class HallArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's first recommended configuration)."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
