"""No power granted that the granter lacks (issue 16, item 1), and the oracles of
create and the audit log (item 6): each attack driven as a logged-in user would."""
from admin_util import connect_store
from harness import ServerTestCase


def without_id(reply):
    return {k: v for k, v in reply.items() if k != "id"}


class TestGrants(ServerTestCase):

    def assertDenied(self, reply, needed, have):
        self.assertError(reply, "clearance_denied")
        self.assertEqual(reply["screen"]["kind"], "clearance_denied")
        self.assertEqual(reply["screen"]["needed_clearance"]["level"], needed)
        self.assertEqual(reply["screen"]["usr_clearance"]["level"], have)

    def user_exists(self, name):
        con = connect_store(self.db)
        try:
            return con.execute("SELECT count(*) FROM users WHERE name = ? COLLATE NOCASE",
                               (name,)).fetchone()[0] > 0
        finally:
            con.close()

    def test_level2_cannot_staff_a_site_it_may_not_read(self):
        """The filed attack: a level-2 researcher (SITE-19) makes a level-1 account on
        SITE-77, whose staff may read the level-3 site file.  Refused; no account."""
        researcher = self.logged_in("researcher")
        r = researcher.request("create", kind="user", name="mole", password="mole-password",
                               clearance=1, title="Containment Specialist", site="SITE-77")
        self.assertDenied(r, 3, 2)
        self.assertFalse(self.user_exists("mole"))
        self.assertError(self.client().login("mole", "mole-password"), "auth_failed")
        # Its own site the researcher may read, so it may staff it.
        r = researcher.request("create", kind="user", name="trainee19", password="trainee-pass",
                               clearance=1, title="Containment Specialist", site="SITE-19")
        self.assertTrue(r["ok"], r)
        trainee = self.client()
        self.assertTrue(trainee.login("trainee19", "trainee-pass")["ok"])
        self.assertTrue(trainee.request("read", ref="SITE-19")["ok"])
        self.assertError(trainee.request("read", ref="SITE-77"), "redacted")

    def test_task_force_above_the_creator(self):
        researcher = self.logged_in("researcher")  # level 2; MTF-6 is level 4
        r = researcher.request("create", kind="user", name="tf.mole", password="mole-password",
                               clearance=1, title="Researcher", task_force="MTF-6")
        self.assertDenied(r, 3, 2)
        self.assertFalse(self.user_exists("tf.mole"))
        r = researcher.request("create", kind="scp", number=4601, title="Placed", level=2,
                               containment="Safe", task_force="MTF-6")
        self.assertDenied(r, 3, 2)
        r = researcher.request("create", kind="scp", number=4601, title="Placed", level=2,
                               containment="Safe", site="SITE-77")
        self.assertDenied(r, 3, 2)
        r = researcher.request("create", kind="mtf", designation="Mu-46", level=2,
                               site="SITE-77")
        self.assertDenied(r, 3, 2)
        self.assertError(researcher.request("read", ref="SCP-4601"), "expunged")
        r = researcher.request("create", kind="scp", number=4601, title="Placed", level=2,
                               containment="Safe", task_force="MTF-3", site="SITE-19")
        self.assertTrue(r["ok"], r)

    def test_missing_and_hidden_targets_look_alike(self):
        director = self.logged_in("director")  # level 5; USER-6 (o5) is level 6
        hidden = director.request("create", kind="mtf", designation="Pi-1", leader="USER-6")
        missing = director.request("create", kind="mtf", designation="Pi-1",
                                   leader="USER-999999")
        self.assertDenied(hidden, 6, 5)
        self.assertEqual(without_id(hidden), without_id(missing))
        researcher = self.logged_in("researcher")
        hidden = researcher.request("create", kind="user", name="x.ray", password="x-password",
                                    clearance=1, title="Researcher", task_force="MTF-6")
        missing = researcher.request("create", kind="user", name="x.ray", password="x-password",
                                     clearance=1, title="Researcher", task_force="MTF-999999")
        self.assertEqual(without_id(hidden), without_id(missing))

    def test_leader_and_director_above_the_creator(self):
        agent = self.logged_in("agent")  # level 3
        r = agent.request("create", kind="site", name="Site-46", director="USER-5")
        self.assertDenied(r, 4, 3)
        r = agent.request("create", kind="mtf", designation="Sigma-46", leader="USER-4")
        self.assertDenied(r, 4, 3)
        director = self.logged_in("director")
        r = director.request("create", kind="site", name="Site-46b", director="USER-6")
        self.assertDenied(r, 6, 5)
        self.assertEqual(director.request("list", kind="site", query="Site-46")["total"], 0)
        # Someone the creator may read is fine.
        r = agent.request("create", kind="site", name="Site-46", director="USER-3")
        self.assertTrue(r["ok"], r)
        r = agent.request("create", kind="mtf", designation="Sigma-46", leader="USER-2",
                          site="SITE-77")
        self.assertTrue(r["ok"], r)

    def test_titles_above_ones_rank(self):
        officer = self.logged_in("officer")  # level 4, Security Officer
        for title in ["Site Director", "o5 council member"]:
            r = officer.request("create", kind="user", name="climber", password="climb-pass",
                                clearance=2, title=title)
            self.assertDenied(r, 5, 4)
        self.assertFalse(self.user_exists("climber"))
        director = self.logged_in("director")  # Site Director
        r = director.request("create", kind="user", name="climber", password="climb-pass",
                             clearance=2, title="O5 Council Member")
        self.assertDenied(r, 6, 5)
        r = director.request("create", kind="user", name="deputy", password="deputy-pass",
                             clearance=4, title="Site Director", site="SITE-19")
        self.assertTrue(r["ok"], r)
        r = officer.request("create", kind="user", name="guard", password="guard-pass",
                            clearance=3, title="Security Officer", site="SITE-77")
        self.assertTrue(r["ok"], r)

    def test_refused_grants_are_audited(self):
        researcher = self.logged_in("researcher")
        r = researcher.request("create", kind="user", name="audited.mole",
                               password="mole-password", clearance=1, title="Researcher",
                               site="SITE-77")
        self.assertError(r, "clearance_denied")
        rows = self.audit_rows("action = 'create' AND outcome = 'denied' AND details LIKE ?",
                               ('%"field":"site"%',))
        self.assertTrue(rows)
        self.assertEqual(rows[-1]["user_id"], 2)
