"""The health view: a constant answer without the database, for load balancers."""


def test_health_answers_ok_without_a_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok\n"
