"""The standard scenario: projects created and chartered, PDSA cycles planned, done, studied and acted on,
data points recorded — each a real command through the application, timed one by one."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from pdsa_engine.application import PdsaApplication as A
from pdsa_engine.commands import cohorts, cycles, people, projects, signoffs
from tests.builders import ADMIN, COACH, SPONSOR, Programme

PROJECTS, CYCLES_PER_PROJECT, POINTS_PER_PROJECT = 30, 5, 30


@dataclass
class Timings:
    latencies: list[float] = field(default_factory=list)  # seconds per command
    transactions: list[tuple[int, int]] = field(default_factory=list)  # (first, last) notification id per command

    def timed(self, app: A, call: object) -> object:
        before = app.recorder.max_notification_id() or 0
        started = time.perf_counter()
        result = call()  # type: ignore[operator]
        self.latencies.append(time.perf_counter() - started)
        self.transactions.append((before + 1, app.recorder.max_notification_id() or 0))
        return result


def run_scenario(app: A) -> Timings:
    """Sets up people and a cohort (not timed), then times every command of the scenario."""
    programme = Programme(app).people()
    cohort = programme.cohort()
    programme.run(ADMIN, A.set_quota, cohorts.SetQuota, cohort=cohort, region="Midtjylland", sector="regional",
                  seats=PROJECTS)
    participants = [f"bench.participant{i}@example.dk" for i in range(PROJECTS)]
    for email in participants:
        programme.run(ADMIN, A.add_person, people.AddPerson, name="Bench Participant", email=email,
                      role=["participant"])
        programme.enrol(cohort, email)
    timings = Timings()

    def command(actor: str, method: object, model: object, **fields: object) -> object:
        return timings.timed(app, lambda: programme.run(actor, method, model, **fields))

    for me in participants:
        project = command(ADMIN, A.create_project, projects.CreateProject, cohort=cohort, participant=me,
                          title="Færre færdigbehandlingsdage", problem="Patienter venter på at komme hjem.",
                          sponsor=SPONSOR, coach=COACH)
        command(me, A.set_aim, projects.SetAim, project=project, what="Færre dage", how_much="40 %", by="2031-10-31")
        measure = command(me, A.add_measure, projects.AddMeasure, project=project, name="Dage", kind="outcome",
                          chart="i", definition="Færdigbehandlingsdage pr. uge", frequency="week", direction="down")
        primary = command(me, A.add_driver, projects.AddDriver, project=project, primary="Hjemmet først")
        secondary = command(me, A.add_driver, projects.AddDriver, project=project, secondary="Planlægning",
                            under=primary)
        idea = command(me, A.add_driver, projects.AddDriver, project=project, change_idea="Konsulent", under=secondary)
        signoff = command(me, A.submit_charter, projects.SubmitCharter, project=project)
        command(SPONSOR, A.decide_signoff, signoffs.DecideSignOff, signoff=signoff, decision="approved")
        previous = None
        for number in range(CYCLES_PER_PROJECT):
            cycle = command(me, A.plan_cycle, cycles.PlanCycle, project=project, change_idea=idea,
                            objective=f"Afprøvning {number + 1}", prediction=["Færre dage"], measure=[measure],
                            start="2031-02-01", end="2031-02-14", continues=previous)
            command(me, A.do_cycle, cycles.DoCycle, cycle=cycle, observations="Gennemført på to afsnit")
            command(me, A.study_cycle, cycles.StudyCycle, cycle=cycle, findings="Dagene faldt som forudsagt")
            command(me, A.act_cycle, cycles.ActCycle, cycle=cycle, decision="adapt")
            previous = cycle
        for week in range(1, POINTS_PER_PROJECT + 1):
            command(me, A.record_data, projects.RecordData, measure=measure, period=f"2031-W{week:02d}",
                    value=str(40 + week % 7))
    return timings
