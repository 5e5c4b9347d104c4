from tests.dashboard.conftest import alice, other, study, user  # noqa: F401
