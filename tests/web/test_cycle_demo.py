"""The demo organisation comes with a running review cycle (the Platform team's) and a
feedback request, so each demo sign-in has something on their home page."""

from craftpath.web.accounts.models import User
from craftpath.web.checkins.models import FeedbackRequest
from craftpath.web.cycles.models import Cycle


def test_the_demo_has_a_running_cycle_and_a_feedback_request(demo_org, client_as):
    cycle = Cycle.objects.get()
    assert cycle.state == "running" and cycle.participants.count() == 9
    assert set(cycle.participants.values_list("team", flat=True)) == {"Platform"}
    pat = User.objects.get(email="pat@demo.craftpath.example")
    assert "Platform spring round" in client_as(pat).get("/home/").content.decode()
    rosa = User.objects.get(email="rosa@demo.craftpath.example")
    assert "Your self-assessment" in client_as(rosa).get("/home/").content.decode()
    asked = FeedbackRequest.objects.get()
    gus = client_as(asked.colleague).get("/home/").content.decode()
    assert "Feedback for Farah Haddad" in gus
