"""The event-sourced application: one thin method per command.

Each method works out who is acting and in which role (the role follows from the command), loads the
aggregates, calls one aggregate method (the aggregate checks its rules and raises), and saves. Whatever
touches two aggregates saves both in one transaction. If anything raises, nothing is saved.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any
from uuid import UUID

from pdsa_engine.aggregates.audit_record import AuditRecord
from pdsa_engine.aggregates.charter import MeasureDefinition
from pdsa_engine.aggregates.cohort import Cohort, CohortNameClaim
from pdsa_engine.aggregates.cycle import PDSACycle, PlanRecord
from pdsa_engine.aggregates.measure_series import MeasureSeries
from pdsa_engine.aggregates.person import EmailClaim, Installation, Person
from pdsa_engine.aggregates.project import ImprovementProject
from pdsa_engine.aggregates.reminders import DigestChoice
from pdsa_engine.aggregates.signoff import SignOff
from pdsa_engine.aggregates.values import Actor, Role, SignOffKind, SignOffStatus, Stamp
from pdsa_engine.application_base import ApplicationBase
from pdsa_engine.clock import local_date
from pdsa_engine.errors import PermissionDenied, Refused, StaleVersion, Word

if TYPE_CHECKING:  # the command models (pydantic) are the callers' to import: reading needs none of them
    from pdsa_engine.commands import cohorts, cycles, people, projects, signoffs


class PdsaApplication(ApplicationBase):
    name = "pdsa"  # names the PostgreSQL tables (pdsa_events) and is not inherited: eventsourcing sets it per class
    # -- people --------------------------------------------------------------------------------------

    def add_person(self, actor: str | None, cmd: people.AddPerson) -> UUID:
        person_id = self.new_id()
        if actor is None:
            return self._register_first_administrator(person_id, cmd)
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        self._require_unclaimed(cmd.email)
        person = Person.register(person_id, stamp, cmd.name, cmd.email, cmd.language, list(cmd.role))
        self._save_claim(person, EmailClaim.claim(stamp, cmd.email, person_id))
        return person_id

    def _register_first_administrator(self, person_id: UUID, cmd: people.AddPerson) -> UUID:
        if Installation.ID in self.repository:
            raise PermissionDenied("this command needs an acting person: give --as PERSON or set PDSA_ACTOR")
        if Role.ADMINISTRATOR not in cmd.role:
            raise Refused("the first person registered must be an administrator (--role administrator)")
        stamp = Stamp(Actor(person_id, Role.ADMINISTRATOR), self.clock.now())
        person = Person.register(person_id, stamp, cmd.name, cmd.email, cmd.language, list(cmd.role))
        self._save_claim(person, EmailClaim.claim(stamp, cmd.email, person_id), Installation.bootstrap(stamp))
        return person_id

    def choose_digest(self, actor: str | None, cmd: people.SetNotifications) -> None:
        """A person chooses their own digest; an administrator may choose it for anyone."""
        if actor is None:
            raise PermissionDenied("this command needs an acting person: give --as PERSON or set PDSA_ACTOR")
        reader = self.person(actor)
        person = self.person(cmd.person)
        if person.id == reader.id and not reader.holds(Role.ADMINISTRATOR):
            stamp = self.acting(actor, min(reader.roles))  # any role of theirs: it is their own choice
        else:
            stamp = self.acting(actor, Role.ADMINISTRATOR)
        current = person.digest
        choice = DigestChoice(
            current.enabled if cmd.digest is None else cmd.digest,
            current.day if cmd.digest_day is None else cmd.digest_day,
            current.hour if cmd.digest_hour is None else cmd.digest_hour,
        )
        person.choose_digest(stamp, choice)
        self.save(person)

    def grant_role(self, actor: str, cmd: people.GrantRole) -> None:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        person = self.person(cmd.person)
        person.grant(stamp, cmd.role)
        self.save(person)

    # -- cohorts -------------------------------------------------------------------------------------

    def create_cohort(self, actor: str, cmd: cohorts.CreateCohort) -> UUID:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        taken = Refused("a cohort named '{name}' already exists; give the new one another name", name=cmd.name)
        if CohortNameClaim.id_for(cmd.name) in self.repository:
            raise taken
        cohort = Cohort.create(self.new_id(), stamp, cmd.name, cmd.start, cmd.end)
        self._save_claim(cohort, CohortNameClaim.claim(stamp, cmd.name, cohort.id), taken=taken)
        return cohort.id

    def schedule_module(self, actor: str, cmd: cohorts.ScheduleModule) -> None:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        cohort = self.load(Cohort, cmd.cohort)
        cohort.schedule_module(stamp, cmd.module, cmd.date)
        self.save(cohort)

    def set_quota(self, actor: str, cmd: cohorts.SetQuota) -> None:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        cohort = self.load(Cohort, cmd.cohort)
        cohort.set_quota(stamp, cmd.region, cmd.sector, cmd.seats)
        self.save(cohort)

    def enrol(self, actor: str, cmd: cohorts.Enrol) -> None:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        cohort = self.load(Cohort, cmd.cohort)
        participant = self.holder(cmd.person, Role.PARTICIPANT)
        cohort.enrol(stamp, participant.id, cmd.organisation, cmd.region, cmd.sector)
        self.save(cohort)

    def retry_message(self, actor: str, message_id: UUID) -> None:
        """An administrator sends a failed message again: its tries start afresh, and the next run sends it."""
        from pdsa_engine.aggregates.outbox import OutboxMessage

        stamp = self.acting(actor, Role.ADMINISTRATOR)
        message = self.load(OutboxMessage, message_id)
        message.retry(stamp)
        self.save(message)

    def import_enrolments(self, actor: str, cmd: cohorts.ImportEnrolments) -> list[UUID]:
        """Enrols every row or none; new people are registered as participants in the same transaction."""
        from pdsa_engine.enrolment_import import enrol_rows

        stamp = self.acting(actor, Role.ADMINISTRATOR)
        cohort = self.load(Cohort, cmd.cohort)
        newcomers, enrolled = enrol_rows(self, stamp, cohort, cmd.rows)
        self._save_claim(cohort, *newcomers)
        return enrolled

    def withdraw(self, actor: str, cmd: cohorts.Withdraw) -> None:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        cohort = self.load(Cohort, cmd.cohort)
        cohort.withdraw(stamp, self.person(cmd.person).id, cmd.reason)
        self.save(cohort)

    def form_group(self, actor: str, cmd: cohorts.FormGroup) -> UUID:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        cohort = self.load(Cohort, cmd.cohort)
        group_id = self.new_id()
        members = [self.person(member).id for member in cmd.member]
        cohort.form_group(stamp, group_id, cmd.name, cmd.region, members)
        self.save(cohort)
        return group_id

    def configure_reminders(self, actor: str, cmd: cohorts.ConfigureReminders) -> None:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        cohort = self.load(Cohort, cmd.cohort)
        cohort.configure_reminders(stamp, replace(cohort.reminders, **cmd.changes()))
        self.save(cohort)

    def close_cohort(self, actor: str, cmd: cohorts.CloseCohort) -> None:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        cohort = self.load(Cohort, cmd.cohort)
        cohort.close(stamp)
        self.save(cohort)

    # -- projects ------------------------------------------------------------------------------------

    def create_project(self, actor: str, cmd: projects.CreateProject) -> UUID:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        cohort = self.load(Cohort, cmd.cohort)
        participant = self.holder(cmd.participant, Role.PARTICIPANT)
        sponsor, coach = self.holder(cmd.sponsor, Role.SPONSOR), self.holder(cmd.coach, Role.COACH)
        project_id = self.new_id()
        cohort.register_project(stamp, participant.id, project_id)
        project = ImprovementProject.create(
            project_id, stamp, cohort.id, cohort.start, participant.id, cmd.title, cmd.problem, sponsor.id, coach.id
        )
        self.save(cohort, project)
        return project_id

    def reassign(self, actor: str, cmd: projects.Reassign) -> None:
        stamp = self.acting(actor, Role.ADMINISTRATOR)
        project = self.load(ImprovementProject, cmd.project)
        if cmd.coach is not None:
            project.reassign_coach(stamp, self.holder(cmd.coach, Role.COACH).id, cmd.reason)
            self.save(project)
            return
        assert cmd.sponsor is not None  # the command holds exactly one of sponsor and coach
        sponsor_id = self.holder(cmd.sponsor, Role.SPONSOR).id
        pending = [self.load(SignOff, s) for s in project.reassign_sponsor(stamp, sponsor_id, cmd.reason)]
        for signoff in pending:
            signoff.readdress(stamp, sponsor_id, cmd.reason)
        self.save(project, *pending)

    def set_aim(self, actor: str, cmd: projects.SetAim) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        project.set_aim(stamp, cmd.what, cmd.how_much, cmd.by)
        self.save(project)

    def add_measure(self, actor: str, cmd: projects.AddMeasure) -> UUID:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        definition = MeasureDefinition(
            self.new_id(), cmd.name, cmd.kind, cmd.definition, cmd.chart, cmd.frequency, cmd.direction,
            cmd.unit, cmd.target,
        )
        project.define_measure(stamp, definition)
        series = MeasureSeries.open(
            definition.measure_id, stamp, project.id, project.participant_id, cmd.chart, cmd.frequency,
            project.cohort_start,
        )
        self.save(project, series)
        return definition.measure_id

    def update_measure(self, actor: str, cmd: projects.UpdateMeasure) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        series = self.load(MeasureSeries, cmd.measure)
        project = self.load(ImprovementProject, series.project_id)
        definition = replace(project.measure(cmd.measure), **cmd.changes())
        project.redefine_measure(stamp, definition)
        if (definition.chart, definition.frequency) != (series.chart, series.frequency):
            series.redefine(stamp, definition.chart, definition.frequency)
        self.save(project, series)

    def record_data(self, actor: str, cmd: projects.RecordData) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        series = self.load(MeasureSeries, cmd.measure)
        series.record(stamp, cmd.period, cmd.value, cmd.n)
        self.save(series)

    def correct_data(self, actor: str, cmd: projects.CorrectData) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        series = self.load(MeasureSeries, cmd.measure)
        series.correct(stamp, cmd.period, cmd.value, cmd.n, cmd.reason)
        self.save(series)

    def start_phase(self, actor: str, cmd: projects.StartPhase) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        series = self.load(MeasureSeries, cmd.measure)
        if cmd.cycle is not None and self.load(PDSACycle, cmd.cycle).project_id != series.project_id:
            raise Refused("that cycle belongs to another project")
        series.start_phase(stamp, cmd.from_, cmd.reason, cmd.cycle)
        self.save(series)

    def withdraw_phase(self, actor: str, cmd: projects.WithdrawPhase) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        series = self.load(MeasureSeries, cmd.measure)
        series.end_phase(stamp, cmd.from_, cmd.reason)
        self.save(series)

    def freeze_baseline(self, actor: str, cmd: projects.FreezeBaseline) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        series = self.load(MeasureSeries, cmd.measure)
        series.freeze(stamp, cmd.baseline, cmd.reason)
        self.save(series)

    def add_driver(self, actor: str, cmd: projects.AddDriver) -> UUID:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        node_id = self.new_id()
        project.add_driver(stamp, node_id, cmd.kind, cmd.text, cmd.under)
        self.save(project)
        return node_id

    def rename_driver(self, actor: str, cmd: projects.RenameDriver) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        project.rename_driver(stamp, cmd.node, cmd.text)
        self.save(project)

    def move_driver(self, actor: str, cmd: projects.MoveDriver) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        project.move_driver(stamp, cmd.node, cmd.under)
        self.save(project)

    def remove_driver(self, actor: str, cmd: projects.RemoveDriver) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        project.remove_driver(stamp, cmd.node)
        self.save(project)

    def score_progress(self, actor: str, cmd: projects.ScoreProgress) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        project.score_progress(stamp, cmd.score, cmd.date or local_date(stamp.at))
        self.save(project)

    def record_meeting(self, actor: str, cmd: projects.RecordMeeting) -> UUID:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        attendees = [self.person(attendee).id for attendee in cmd.attendee]
        meeting_id = self.new_id()
        project.record_meeting(stamp, meeting_id, cmd.kind, cmd.date, attendees)
        self.save(project)
        return meeting_id

    def submit_charter(self, actor: str, cmd: projects.SubmitCharter) -> UUID:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        signoff_id = self.new_id()
        project.submit_charter(stamp, signoff_id)
        return self._request(stamp, project, signoff_id, SignOffKind.CHARTER)

    def request_scale_up(self, actor: str, cmd: projects.RequestScaleUp) -> UUID:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        signoff_id = self.new_id()
        project.request_scale_up(stamp, signoff_id, cmd.cycle)
        return self._request(stamp, project, signoff_id, SignOffKind.SCALE_UP, cycle_id=cmd.cycle)

    def request_closure(self, actor: str, cmd: projects.RequestClosure) -> UUID:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        signoff_id = self.new_id()
        names = {c.cycle_id: f"‘{self.load(PDSACycle, c.cycle_id).planned.objective}’"
                 for c in project.cycles.open_ones()}
        project.request_closure(stamp, signoff_id, cmd.outcome, names)
        return self._request(stamp, project, signoff_id, SignOffKind.CLOSURE, outcome=cmd.outcome)

    def _request(
        self, stamp: Stamp, project: ImprovementProject, signoff_id: UUID, kind: SignOffKind, **about: Any
    ) -> UUID:
        # The request is made on the project as it now stands, its request event included.
        signoff = SignOff.request(signoff_id, stamp, kind, project.id, project.version, project.sponsor_id, **about)
        self.save(project, signoff)
        return signoff_id

    # -- sign-offs -----------------------------------------------------------------------------------

    def decide_signoff(self, actor: str, cmd: signoffs.DecideSignOff, by_mailed_link: bool = False) -> None:
        """`by_mailed_link`: the sponsor decided from the link in a mail, without logging in (the site's door
        sets it, never the command's input)."""
        stamp = self.acting(actor, Role.SPONSOR)
        signoff = self.load(SignOff, cmd.signoff)
        project = self.load(ImprovementProject, signoff.project_id)
        if cmd.project_version is not None and cmd.project_version != project.version:
            raise self._changed_since(project, cmd.project_version)
        signoff.decide(stamp, cmd.decision, cmd.comment, project.version, by_mailed_link)
        project.resolve_signoff(stamp, signoff.id, cmd.decision)
        self.save(signoff, project)

    def _changed_since(self, project: ImprovementProject, seen: int) -> StaleVersion:
        """What happened to the project after the version a sponsor decided on."""
        changes = tuple(Word(_spoken(type(e).__name__)) for e in self.events.get(project.id, gt=seen)) \
            if seen < project.version else ()
        if not changes:
            return StaleVersion("the project has changed since you opened it (version {seen}, now {now}, an earlier "
                                "one); nothing was decided — look at it again", seen=seen, now=project.version)
        return StaleVersion("the project has changed since you opened it (version {seen}, now {now}: {what}); "
                            "nothing was decided — look at it again", seen=seen, now=project.version, what=changes)

    def withdraw_signoff(self, actor: str, cmd: signoffs.WithdrawSignOff) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        signoff = self.load(SignOff, cmd.signoff)
        project = self.load(ImprovementProject, signoff.project_id)
        signoff.withdraw(stamp)
        project.resolve_signoff(stamp, signoff.id, SignOffStatus.WITHDRAWN)
        self.save(signoff, project)

    # -- cycles --------------------------------------------------------------------------------------

    def plan_cycle(self, actor: str, cmd: cycles.PlanCycle) -> UUID:
        stamp = self.acting(actor, Role.PARTICIPANT)
        project = self.load(ImprovementProject, cmd.project)
        record = PlanRecord(cmd.objective, cmd.prediction, cmd.start, cmd.end, cmd.question, cmd.who, cmd.where,
                            cmd.data_plan)
        cycle = PDSACycle.plan(self.new_id(), stamp, project.id, project.participant_id, cmd.change_idea,
                               list(cmd.measure), cmd.continues, record)
        project.open_cycle(stamp, cycle.id, cmd.change_idea, cmd.continues, list(cmd.measure))
        self.save(project, cycle)
        return cycle.id

    def do_cycle(self, actor: str, cmd: cycles.DoCycle) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        cycle = self.load(PDSACycle, cmd.cycle)
        cycle.do(stamp, cmd.observations, cmd.problems)
        self.save(cycle)

    def study_cycle(self, actor: str, cmd: cycles.StudyCycle) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        cycle = self.load(PDSACycle, cmd.cycle)
        cycle.study(stamp, cmd.findings)
        self.save(cycle)

    def act_cycle(self, actor: str, cmd: cycles.ActCycle) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        cycle = self.load(PDSACycle, cmd.cycle)
        project = self.load(ImprovementProject, cycle.project_id)
        cycle.act(stamp, cmd.decision, cmd.next_steps)
        project.conclude_cycle(stamp, cycle.id, cmd.decision)
        self.save(cycle, project)

    def amend_cycle(self, actor: str, cmd: cycles.AmendCycle) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        cycle = self.load(PDSACycle, cmd.cycle)
        cycle.amend(stamp, cmd.changes())
        self.save(cycle)

    def cancel_cycle(self, actor: str, cmd: cycles.CancelCycle) -> None:
        stamp = self.acting(actor, Role.PARTICIPANT)
        cycle = self.load(PDSACycle, cmd.cycle)
        project = self.load(ImprovementProject, cycle.project_id)
        cycle.cancel(stamp, cmd.reason)
        project.cancel_cycle(stamp, cycle.id)
        self.save(cycle, project)

    # -- the audit of the audit -----------------------------------------------------------------------

    def record_export(self, actor: str, project_id: UUID, format: str) -> UUID:
        """Records that someone exported a project's history (before it leaves: see Audit.exported)."""
        person = self.person(actor)
        stamp = self.acting(actor, Role.AUDITOR if person.holds(Role.AUDITOR) else Role.ADMINISTRATOR)
        self.load(ImprovementProject, project_id)
        record = AuditRecord.export(self.new_id(), stamp, project_id, format)
        self.save(record)
        return record.id


def _spoken(event_name: str) -> str:
    """MeasureDefined → measure defined."""
    return "".join(f" {c.lower()}" if c.isupper() else c for c in event_name).strip()
