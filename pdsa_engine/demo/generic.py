"""The other projects of the demo cohort: familiar themes, each given one of a spread of fates, so the cohort
shows every state a programme administrator meets (drafts, pending and returned charters, cycles in every
phase, adopted, adapted and abandoned changes, a closed project)."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from pdsa_engine.aggregates.values import ChartType as Chart
from pdsa_engine.aggregates.values import Decision, Frequency, Outcome, Phase, SignOffStatus
from pdsa_engine.demo.plans import CyclePlan, MeasurePlan, ProjectPlan, Signal
from pdsa_engine.demo.six_projects import MONTHLY_FROM, WEEKLY_FROM


@dataclass(frozen=True)
class Theme:
    title: str
    problem: str
    what: str
    how_much: str
    measure: str
    definition: str
    chart: Chart
    frequency: Frequency
    direction: str
    before: float
    after: float
    ideas: tuple[str, str, str]
    unit: str
    n_range: tuple[int, int] | None = None


THEMES = (
    Theme("Færre aflyste operationer", "Mange planlagte operationer aflyses samme dag.", "Færre aflysninger",
          "halvering af aflysninger samme dag", "Aflysninger samme dag", "Aflyste operationer samme dag pr. uge.",
          Chart.C, Frequency.WEEK, "down", 9, 4, ("Tjekliste dagen før", "Fast koordinator", "SMS til patienten"),
          "aflysninger"),
    Theme("Hurtigere operation for hoftebrud", "Patienter med hoftebrud venter for længe på operation.",
          "Flere opereres inden for 24 timer", "90 % inden for 24 timer", "Andel opereret inden for 24 timer",
          "Opereret inden for 24 timer / alle hoftebrud i måneden.", Chart.P, Frequency.MONTH, "up", 0.72, 0.88,
          ("Prioriteret operationsleje", "Direkte indlæggelse på ortopædkirurgisk afsnit", "Narkose-vurdering i "
           "akutmodtagelsen"), "andel", (30, 45)),
    Theme("Færre tryksår", "Tryksår opstår hos indlagte ældre patienter.", "Færre tryksår kategori 2-4",
          "50 % færre", "Tryksår pr. 1.000 sengedage", "Nye tryksår kategori 2-4 pr. 1.000 sengedage.", Chart.U,
          Frequency.MONTH, "down", 3.2, 1.6, ("Risikovurdering ved indlæggelse", "Vendeskema ved sengen",
                                              "Trykaflastende madras ved høj risiko"), "pr. 1.000 sengedage",
          (2, 4)),
    Theme("Sikker medicinafstemning ved udskrivelse", "Medicinlisten er ofte ikke afstemt ved udskrivelse.",
          "Flere udskrivelser med afstemt medicin", "95 % af udskrivelserne", "Andel afstemte medicinlister",
          "Udskrivelser med afstemt medicinliste / alle udskrivelser i ugen.", Chart.P, Frequency.WEEK, "up",
          0.61, 0.9, ("Farmakonom på afsnittet", "Afstemning som fast punkt på tavlen", "Tjekliste i journalen"),
          "andel", (40, 60)),
    Theme("Færre faldulykker på plejecentre", "Beboere falder ofte om natten.", "Færre fald", "30 % færre fald",
          "Fald pr. måned", "Registrerede fald blandt beboerne pr. måned.", Chart.C, Frequency.MONTH, "down", 18, 11,
          ("Natlys og sensorer", "Medicingennemgang ved indflytning", "Faste toiletbesøg om aftenen"), "fald"),
    Theme("PRO-data i ambulatoriet", "Patienternes egne oplysninger bruges sjældent i samtalen.",
          "PRO-svar bruges i samtalen", "80 % af samtalerne", "Andel samtaler med PRO-svar",
          "Samtaler hvor PRO-svar blev gennemgået / alle samtaler i ugen.", Chart.P, Frequency.WEEK, "up", 0.2, 0.7,
          ("Påmindelse via e-Boks", "PRO-visning i journalen", "Fast spørgsmål i samtalen"), "andel", (50, 70)),
    Theme("Kortere ventetid i akutmodtagelsen", "Patienter venter længe på første lægevurdering.",
          "Kortere tid til lægevurdering", "median under 60 minutter", "Minutter til lægevurdering",
          "Median minutter fra ankomst til første lægevurdering pr. uge.", Chart.I, Frequency.WEEK, "down", 95, 62,
          ("Triage-læge i dagtid", "Fast flow-koordinator", "Synlig tavle over ventende"), "minutter"),
    Theme("Opfølgning efter udskrivelse", "Skrøbelige ældre mangler opfølgning de første dage hjemme.",
          "Flere får opfølgende hjemmebesøg", "90 % inden for 48 timer", "Andel med hjemmebesøg inden for 48 timer",
          "Borgere med hjemmebesøg inden for 48 timer / udskrevne borgere i måneden.", Chart.P, Frequency.MONTH,
          "up", 0.45, 0.82, ("Udskrivelsesbesked direkte til hjemmeplejen", "Fast tid til opfølgningsbesøg",
                             "Telefonopkald dagen efter"), "andel", (60, 90)),
    Theme("Mindre tvang i psykiatrien", "Bæltefikseringer kan ofte undgås.", "Færre bæltefikseringer",
          "halvering", "Bæltefikseringer pr. måned", "Antal bæltefikseringer i afsnittet pr. måned.", Chart.C,
          Frequency.MONTH, "down", 7, 3, ("Sansestue", "Fælles debriefing efter episoder", "Tidlig "
                                                                                      "risikovurdering"),
          "fikseringer"),
    Theme("Flere i hverdagsrehabilitering", "For få borgere tilbydes rehabilitering før hjemmehjælp.",
          "Flere borgere i rehabiliteringsforløb", "70 % af nye henvendelser", "Andel i rehabiliteringsforløb",
          "Borgere der starter rehabiliteringsforløb / nye henvendelser om hjemmehjælp i måneden.", Chart.P,
          Frequency.MONTH, "up", 0.38, 0.66, ("Fælles visitation med terapeut", "Målsamtale i hjemmet",
                                               "Træning i dagligdags gøremål"), "andel", (40, 60)),
    Theme("Færre infektioner efter operation", "Sårinfektioner forlænger indlæggelsen.", "Færre sårinfektioner",
          "under 2 %", "Andel med sårinfektion", "Operationer med sårinfektion inden for 30 dage / alle "
          "operationer i måneden.", Chart.P, Frequency.MONTH, "down", 0.05, 0.025, ("Hårfjernelse med clipper",
                                                                                  "Normotermi under operation",
                                                                                  "Sårtjek før udskrivelse"),
          "andel", (150, 220)),
    Theme("Ernæringsscreening ved indlæggelse", "Underernærede patienter opdages for sent.",
          "Flere screenes for ernæringsrisiko", "95 % inden for 24 timer", "Andel screenet inden for 24 timer",
          "Patienter screenet inden for 24 timer / alle indlagte i ugen.", Chart.P, Frequency.WEEK, "up", 0.55,
          0.9, ("Screening som fast punkt ved indlæggelse", "Diætist på tavlemødet", "Vægt ved indlæggelse"),
          "andel", (35, 55)),
)

# The fates, in order: how far each project gets, so the cohort shows every state.
FATES = (
    "adopt", "ramp", "adopt_then_do", "abandon_then_study", "plan", "cancel_then_scale_up", "adopt", "ramp",
    "draft", "pending", "returned", "adopt_then_do", "ramp", "abandon_then_study", "plan", "adopt", "declined",
    "closed", "ramp", "adopt_then_do", "pending", "cancel_then_scale_up", "adopt", "returned", "plan", "ramp",
    "draft", "adopt_then_do", "pending", "abandon_then_study", "stopped", "returned", "ramp", "no_cycles",
)


def generic_plan(index: int, rng: random.Random) -> ProjectPlan:
    theme = THEMES[index % len(THEMES)]
    fate = FATES[index % len(FATES)]
    start = date(2026, 3, 9) + timedelta(days=7 * rng.randrange(8))
    if fate == "returned":  # the charter goes round twice, so testing starts later
        start = max(start, date(2026, 3, 30))
    weekly = theme.frequency is Frequency.WEEK
    measure = MeasurePlan(
        theme.measure, "outcome", theme.chart, theme.definition, theme.frequency, theme.direction,
        Signal(theme.before, theme.after, start + timedelta(days=28), abs(theme.before - theme.after) / 4,
               n_range=theme.n_range),
        WEEKLY_FROM if weekly else MONTHLY_FROM, theme.unit,
    )
    plan = ProjectPlan(
        title=theme.title, problem=theme.problem, aim=(theme.what, theme.how_much, date(2026, 11, 30)),
        measures=(measure,),
        drivers=(("Pålidelige arbejdsgange", (("Standardisering", theme.ideas[:2]), ("Inddragelse", theme.ideas[2:]))),),
        cycles=_cycles(fate, theme, start),
        sponsor_days=1 + rng.randrange(14), sponsor_at_startup=rng.random() > 0.3,
        progress=_progress(fate, rng),
    )
    if fate == "draft":
        return replace(plan, submit_on=None, progress=plan.progress[:1])
    if fate == "pending":
        return replace(plan, submit_on=date(2026, 10, 26) + timedelta(days=rng.randrange(14)), sponsor_days=None)
    if fate in ("returned", "declined"):
        answer = SignOffStatus.CHANGES_REQUESTED if fate == "returned" else SignOffStatus.DECLINED
        return replace(plan, first_answer=answer)
    if fate == "closed":
        return replace(plan, closure=(date(2026, 10, 12), Outcome.SPREAD, SignOffStatus.APPROVED),
                       progress=plan.progress[:4])
    if fate == "stopped":  # the change did not work and the organisation chose other priorities
        return replace(plan, closure=(date(2026, 9, 14), Outcome.STOPPED, SignOffStatus.APPROVED),
                       progress=plan.progress[:3])
    return plan


def _cycles(fate: str, theme: Theme, start: date) -> tuple[CyclePlan, ...]:
    first = f"Afprøve '{theme.ideas[0].lower()}' i én uge på ét afsnit"
    second = f"Afprøve '{theme.ideas[1].lower()}' i to uger"
    predict = ("Vi ser en tydelig forbedring i målingen",)
    adopt = CyclePlan(0, first, predict, start, 14, Phase.CLOSED, Decision.ADOPT)
    if fate in ("adopt", "closed", "returned"):
        return (adopt,)
    if fate == "ramp":
        return (replace(adopt, decision=Decision.ADAPT, next_steps="Justér og udvid til flere patienter."),
                CyclePlan(0, first.replace("én uge på ét afsnit", "tre uger på to afsnit"), predict,
                          start + timedelta(days=28), 21, Phase.CLOSED, Decision.ADOPT, continues_previous=True))
    if fate == "adopt_then_do":
        return (adopt, CyclePlan(1, second, predict, date(2026, 10, 19), 21, Phase.DO))
    if fate == "stopped":
        return (replace(adopt, decision=Decision.ABANDON, findings="Ingen målbar effekt på tre afsnit."),)
    if fate == "abandon_then_study":
        return (replace(adopt, decision=Decision.ABANDON, findings="Ingen effekt, og for tidskrævende."),
                CyclePlan(1, second, predict, date(2026, 10, 5), 28, Phase.STUDY))
    if fate == "plan":
        return (CyclePlan(0, first, predict, date(2026, 11, 16), 14, Phase.PLAN),)
    if fate == "cancel_then_scale_up":
        return (CyclePlan(2, f"Afprøve '{theme.ideas[2].lower()}'", predict, start, 14, Phase.CANCELLED,
                          cancel_reason="Nøglepersoner var fraværende i testperioden."),
                replace(adopt, starts=start + timedelta(days=21), scale_up=SignOffStatus.APPROVED))
    return ()


def _progress(fate: str, rng: random.Random) -> tuple[tuple[date, str], ...]:
    """IHI scores rising by half a point per review, up to how far the project has come."""
    top = {"draft": 1.0, "pending": 1.5, "no_cycles": 2.0, "plan": 2.0, "declined": 1.0}.get(
        fate, 2.5 + rng.randrange(3) / 2
    )
    days = (date(2026, 2, 9), date(2026, 4, 20), date(2026, 6, 15), date(2026, 9, 1), date(2026, 11, 2))
    return tuple((day, f"{min(top, 1 + step / 2):.1f}".replace(".", ",")) for step, day in enumerate(days))
