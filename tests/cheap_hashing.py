"""Argon2 at its smallest costs, for the tests only. The app's own setting (Argon2 with the
library's costs, about half a second a hash on purpose) stays what test_security checks; the
suite signs people in and sets passwords many times, and each paid that half second."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class CheapArgon2(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: the smallest Argon2 allows with one lane
    parallelism = 1
