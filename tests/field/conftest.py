import pytest


@pytest.fixture
def agus_client(client, officer_parenggean):
    client.force_login(officer_parenggean)
    return client
