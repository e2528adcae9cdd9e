from tests.fixtures import api, aws, organisation  # noqa: F401 - fixtures
