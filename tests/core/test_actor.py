"""The Actor: permissions lent for one consequential call leave the original actor unchanged."""

from oms.core.actor import Actor


def test_a_lent_permission_is_added_to_a_copy_only():
    officer = Actor(user_id=7, username="rita", permissions=frozenset({"sentencing.record"}), site_ids=frozenset({3}))
    lent = officer.lent("assessment.assess")
    assert lent.has("assessment.assess") and lent.has("sentencing.record")
    assert not officer.has("assessment.assess")
    assert (lent.user_id, lent.username, lent.site_ids) == (7, "rita", frozenset({3}))
