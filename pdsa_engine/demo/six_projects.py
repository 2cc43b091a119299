"""The six real projects described by the programme's evaluation, with invented but plausible numbers."""

from __future__ import annotations

from datetime import date

from pdsa_engine.aggregates.values import ChartType as Chart
from pdsa_engine.aggregates.values import Decision, Frequency, Outcome, Phase, Region, Sector, SignOffStatus
from pdsa_engine.demo.plans import CyclePlan, MeasurePlan, ProjectPlan, Signal

WEEKLY_FROM = date(2026, 2, 16)  # 39 weeks to the demo's end
MONTHLY_FROM = date(2024, 12, 1)  # 23 months, a baseline from before the cohort

HOME_CHEMOTHERAPY = ProjectPlan(
    title="Hjemmebehandling med kemoterapi",
    problem="Patienter i behandling med et nyt lægemiddel skal møde på afdelingen til hver infusion. Lægemidlet "
    "holder kun få timer, mange patienter har lang transport, og afdelingens stolekapacitet er presset.",
    aim=("Patienter i behandling med det nye lægemiddel får behandlingen i eget hjem",
         "60 % af behandlingerne gives i hjemmet", date(2026, 10, 31)),
    measures=(
        MeasurePlan("Andel behandlinger givet i hjemmet", "outcome", Chart.P,
                    "Behandlinger givet i hjemmet / alle behandlinger med lægemidlet i ugen.", Frequency.WEEK, "up",
                    Signal(0.04, 0.58, date(2026, 5, 4), 0.06, n_range=(24, 38)), WEEKLY_FROM, "andel", "0,6"),
        MeasurePlan("Utilsigtede hændelser ved kemoterapi", "balancing", Chart.C,
                    "Rapporterede utilsigtede hændelser ved kemoterapi, hjemme og på afdelingen, pr. måned.",
                    Frequency.MONTH, "down", Signal(2.5, 2.4, date(2026, 5, 1), 1.5), MONTHLY_FROM, "hændelser"),
    ),
    drivers=(
        ("Sikker håndtering af lægemidlet uden for afdelingen", (
            ("Holdbarhed og transport", ("Kølekæde med temperaturlogger", "Blanding på apoteket samme morgen")),
            ("Kompetente sygeplejersker i hjemmet", ("Oplæring af hjemmesygeplejersker",)),
        )),
        ("Trygge patienter", (
            ("Opfølgning og kontakt", ("Telefonopkald med spørgeguide dagen før", "Udvidelse til flere lægemidler")),
        )),
    ),
    cycles=(
        CyclePlan(3, "Afprøve spørgeguiden til telefonopkaldet dagen før hos tre patienter",
                  ("Alle tre patienter kan besvare guiden på under 10 minutter",), date(2026, 3, 9), 14, Phase.CLOSED,
                  Decision.ADAPT, findings="Guiden var for lang, og to spørgsmål blev misforstået.",
                  next_steps="Forkort guiden og afprøv hos ti patienter."),
        CyclePlan(3, "Afprøve den forkortede spørgeguide hos ti patienter",
                  ("Mindst ni af ti behandlinger gennemføres hjemme som planlagt",), date(2026, 4, 6), 21,
                  Phase.CLOSED, Decision.ADOPT, continues_previous=True, scale_up=SignOffStatus.APPROVED,
                  findings="Ni af ti behandlinger blev givet hjemme; patienterne følte sig trygge.", new_phase=True),
        CyclePlan(0, "Kølekæde med temperaturlogger på fem leverancer",
                  ("Temperaturen holdes mellem 2 og 8 grader under hele transporten",), date(2026, 4, 13), 14,
                  Phase.CLOSED, Decision.ADOPT, measures=(0, 1)),
        CyclePlan(4, "Afprøve hjemmebehandling med et andet lægemiddel hos fem patienter",
                  ("Samme andel hjemmebehandlinger som med det første lægemiddel",), date(2026, 10, 26), 21, Phase.DO,
                  observations="Fire af fem behandlinger gennemført hjemme.",
                  problems="Apoteket kunne ikke levere før kl. 10 én dag."),
    ),
    progress=((date(2026, 2, 9), "1,0"), (date(2026, 4, 20), "2,0"), (date(2026, 6, 15), "3,0"),
              (date(2026, 9, 1), "4,0")),
)

NEEDS_DRIVEN_CLINIC = ProjectPlan(
    title="Behovsstyret ambulatorium for patienter med kronisk tarmsygdom",
    problem="Stabile patienter kommer til faste kontroller, de ikke har brug for, mens nyhenviste venter længe på "
    "første samtale.",
    aim=("Ventetiden for nyhenviste patienter reduceres", "fra gennemsnitligt 48 til under 21 dage",
         date(2026, 9, 30)),
    measures=(
        MeasurePlan("Ventetid for nyhenviste", "outcome", Chart.I,
                    "Gennemsnitligt antal dage fra henvisning modtaget til første samtale, for henvisninger i ugen.",
                    Frequency.WEEK, "down", Signal(47, 19, date(2026, 5, 4), 5), WEEKLY_FROM, "dage", "21"),
        MeasurePlan("Andel patienter i behovsstyret forløb", "process", Chart.P,
                    "Patienter uden fast kontroltid / alle aktive patienter ved månedens udgang.", Frequency.MONTH,
                    "up", Signal(0.08, 0.55, date(2026, 4, 1), 0.03, n_range=(310, 360)), MONTHLY_FROM, "andel"),
        MeasurePlan("Akutte henvendelser", "balancing", Chart.C,
                    "Akutte telefoniske henvendelser fra patienter pr. uge.", Frequency.WEEK, "down",
                    Signal(12, 13, date(2026, 4, 1), 3), WEEKLY_FROM, "henvendelser"),
    ),
    drivers=(
        ("Patienten styrer kontakten", (
            ("Kontakt efter behov", ("PRO-skema før kontakt", "Afskaffe faste kontroller for stabile patienter")),
        )),
        ("Frigjort kapacitet til nye patienter", (
            ("Planlægning", ("Frigjorte tider reserveres til nyhenviste",)),
        )),
    ),
    cycles=(
        CyclePlan(0, "PRO-skema før telefonkontakt hos 15 patienter", ("Skemaet afklarer behovet hos 12 af 15",),
                  date(2026, 3, 2), 21, Phase.CLOSED, Decision.ADOPT, measures=(1,)),
        CyclePlan(1, "Afskaffe faste kontroller for 20 stabile patienter", ("Ingen flere akutte henvendelser",),
                  date(2026, 3, 16), 28, Phase.CLOSED, Decision.ADAPT, measures=(2,),
                  findings="Enkelte patienter var utrygge uden en aftalt kontakt.",
                  next_steps="Giv patienterne et direkte nummer og en kontakt efter seks måneder."),
        CyclePlan(1, "Behovsstyret forløb med direkte nummer for 80 patienter", ("Ingen stigning i akutte "
                  "henvendelser",), date(2026, 4, 27), 28, Phase.CLOSED, Decision.ADOPT, continues_previous=True,
                  measures=(1, 2)),
        CyclePlan(2, "Reservere frigjorte tider til nyhenviste i fire uger", ("Ventetiden falder til under 30 dage",),
                  date(2026, 5, 4), 28, Phase.CLOSED, Decision.ADOPT, scale_up=SignOffStatus.APPROVED, new_phase=True),
    ),
    progress=((date(2026, 2, 9), "1,5"), (date(2026, 4, 20), "2,5"), (date(2026, 6, 15), "3,5"),
              (date(2026, 9, 28), "4,5")),
    closure=(date(2026, 10, 19), Outcome.SUSTAINED, SignOffStatus.APPROVED),
)

RESPITE_READMISSIONS = ProjectPlan(
    title="Færre genindlæggelser af ældre borgere fra to kommunale aflastningsenheder",
    problem="Ældre borgere på kommunens to aflastningsenheder genindlægges ofte kort efter udskrivelse; "
    "informationen mellem sygehus, kommune og praktiserende læge er mangelfuld.",
    aim=("Færre borgere genindlægges inden for 30 dage efter ophold på aflastningsenhederne",
         "fra 28 % til under 15 %", date(2026, 11, 30)),
    measures=(
        MeasurePlan("Genindlæggelser inden for 30 dage", "outcome", Chart.P,
                    "Borgere genindlagt inden for 30 dage / borgere udskrevet fra aflastningsenhederne i måneden.",
                    Frequency.MONTH, "down", Signal(0.28, 0.15, date(2026, 6, 1), 0.04, n_range=(34, 48)),
                    MONTHLY_FROM, "andel", "0,15"),
        MeasurePlan("Indlæggelser fra aflastningsenhederne", "outcome", Chart.C,
                    "Akutte indlæggelser af borgere fra de to enheder pr. måned.", Frequency.MONTH, "down",
                    Signal(14, 9, date(2026, 6, 1), 3), MONTHLY_FROM, "indlæggelser"),
    ),
    drivers=(
        ("Sikre overgange mellem sektorer", (
            ("Fælles information ved udskrivelse", ("Printet udskrivelsesbrev, farvekodet efter hastegrad",
                                                    "Fælles tværsektoriel audit af genindlæggelser")),
            ("Tidlig opsporing", ("Daglig triage med TOBS", "Ugentlig konference med praktiserende læge")),
        )),
    ),
    cycles=(
        CyclePlan(0, "Printet udskrivelsesbrev hos to borgere", ("Personalet finder oplysningerne på under to "
                  "minutter",), date(2026, 3, 16), 7, Phase.CLOSED, Decision.ADAPT,
                  findings="Brevet var for langt; det vigtigste skal stå øverst.",
                  next_steps="Farvekode efter hastegrad og afprøv hos ti borgere."),
        CyclePlan(0, "Farvekodet udskrivelsesbrev hos ti borgere", ("Ingen af de ti genindlægges inden for 30 dage",),
                  date(2026, 4, 13), 30, Phase.CLOSED, Decision.ADOPT, continues_previous=True,
                  scale_up=SignOffStatus.APPROVED, new_phase=True),
        CyclePlan(2, "Daglig TOBS-triage på den ene enhed i to uger", ("Forværring opdages et døgn tidligere",),
                  date(2026, 5, 4), 14, Phase.CLOSED, Decision.ABANDON,
                  findings="Målingerne tog for lang tid om natten og fandt ikke flere forværringer.",
                  next_steps="Satser i stedet på konferencen med praktiserende læge."),
        CyclePlan(1, "Fælles audit af fem genindlæggelser med sygehus og almen praksis",
                  ("Mindst to årsager går igen",), date(2026, 11, 2), 14, Phase.DO,
                  observations="Tre audits gennemført; almen praksis deltog i to."),
    ),
    sponsor_at_startup=False,
    progress=((date(2026, 2, 9), "1,0"), (date(2026, 5, 18), "2,0"), (date(2026, 9, 1), "3,0")),
)

BED_DAYS = ProjectPlan(
    title="Færre færdigbehandlingsdage – hjemmet som første valg",
    problem="Borgere, der er færdigbehandlede på sygehuset, venter for længe på at komme hjem eller i "
    "kommunalt tilbud.",
    aim=("Antallet af færdigbehandlingsdage for kommunens borgere reduceres", "med 40 %", date(2026, 10, 31)),
    measures=(
        MeasurePlan("Færdigbehandlingsdage", "outcome", Chart.RUN,
                    "Samlet antal færdigbehandlingsdage på Aarhus Universitetshospital for kommunens borgere pr. uge.",
                    Frequency.WEEK, "down",
                    Signal(96, 55, date(2026, 4, 27), 7, spikes=((date(2026, 7, 13), date(2026, 8, 2), 44),)),
                    WEEKLY_FROM, "dage"),
        MeasurePlan("Andel udskrevet til eget hjem", "process", Chart.P,
                    "Borgere udskrevet direkte til eget hjem / alle udskrevne borgere i måneden.", Frequency.MONTH,
                    "up", Signal(0.55, 0.71, date(2026, 5, 1), 0.03, n_range=(220, 260)), MONTHLY_FROM, "andel"),
    ),
    drivers=(
        ("Hjemmet som første valg", (
            ("Tidlig udskrivelsesplanlægning", ("Udskrivelseskonsulent på stuegang", "Fælles tavlemøde med sygehuset")),
            ("Klar modtagelse i hjemmet", ("Hjemmesygepleje klar samme dag", "Midlertidig hjemmehjælp uden visitation")),
        )),
    ),
    cycles=(
        CyclePlan(0, "Udskrivelseskonsulent deltager i stuegang på to afsnit", ("Færdigbehandlingsdagene falder "
                  "med 20 % på de to afsnit",), date(2026, 4, 6), 21, Phase.CLOSED, Decision.ADOPT,
                  findings="Dagene faldt tydeligt; da konsulenten holdt ferie i juli, steg de igen.",
                  scale_up=SignOffStatus.APPROVED),
        CyclePlan(2, "Hjemmesygeplejen modtager borgeren samme dag", ("Ingen borgere venter en ekstra nat",),
                  date(2026, 10, 5), 21, Phase.STUDY, findings="Lykkedes for 17 af 19 borgere."),
    ),
    progress=((date(2026, 2, 9), "1,0"), (date(2026, 5, 18), "2,5"), (date(2026, 9, 1), "3,5")),
)

LUNG_CANCER = ProjectPlan(
    title="Kortere gennemløbstid i pakkeforløb for lungekræft",
    problem="For mange patienter i pakkeforløb for lungekræft når ikke behandlingsstart inden for "
    "standardforløbstiden; ventetid mellem lungemedicinsk og onkologisk afdeling er den største årsag.",
    aim=("Flere patienter gennemfører pakkeforløbet inden for standardforløbstiden", "mindst 90 % af forløbene",
         date(2026, 11, 30)),
    measures=(
        MeasurePlan("Andel forløb inden for standardforløbstid", "outcome", Chart.P,
                    "Forløb med behandlingsstart inden for standardforløbstiden / alle afsluttede forløb i måneden.",
                    Frequency.MONTH, "up", Signal(0.68, 0.89, date(2026, 3, 1), 0.04, n_range=(32, 46)),
                    MONTHLY_FROM, "andel", "0,9"),
        MeasurePlan("Afvigelser i forløbet", "process", Chart.C,
                    "Registrerede afvigelser fra forløbsbeskrivelsen pr. måned.", Frequency.MONTH, "down",
                    Signal(11, 6, date(2026, 3, 1), 2.5), MONTHLY_FROM, "afvigelser"),
    ),
    drivers=(
        ("Sammenhængende forløb", (
            ("Fælles beslutninger", ("Fælles konsultation lungemedicin og onkologi", "Faste MDT-tider to gange "
                                                                                       "ugentligt")),
            ("Hurtigere udredning", ("Reserverede PET-CT-tider", "Booking af biopsi ved henvisning")),
        )),
    ),
    cycles=(
        CyclePlan(0, "Fælles konsultation for fem patienter", ("Behandlingsbeslutning samme dag for alle fem",),
                  date(2026, 3, 9), 14, Phase.CLOSED, Decision.ADAPT,
                  findings="Fungerede, men onkologen havde kun tid om eftermiddagen.",
                  next_steps="Faste eftermiddagstider to dage om ugen."),
        CyclePlan(0, "Fælles konsultation på faste eftermiddagstider i seks uger",
                  ("80 % får behandlingsbeslutning samme dag",), date(2026, 4, 6), 42, Phase.CLOSED, Decision.ADOPT,
                  continues_previous=True, measures=(0, 1), scale_up=SignOffStatus.REQUESTED),
        CyclePlan(2, "Reservere to PET-CT-tider om ugen", ("Ventetid på PET-CT under fem dage",), date(2026, 6, 1),
                  28, Phase.CANCELLED,
                  cancel_reason="Radiologisk afdeling kunne ikke reservere tider i sommerperioden."),
        CyclePlan(3, "Booking af biopsi allerede ved henvisning", ("Tre dage sparet i udredningen",),
                  date(2026, 11, 16), 21, Phase.PLAN),
    ),
    sponsor_days=12,
    progress=((date(2026, 2, 9), "1,0"), (date(2026, 5, 18), "2,0"), (date(2026, 9, 1), "3,0")),
)

IMPROVEMENT_THURSDAY = ProjectPlan(
    title="Forbedringstorsdag hver 14. dag",
    problem="Medarbejderne har mange idéer til forbedringer, men der er ingen fast tid til at afprøve dem, "
    "og idéerne går tabt i driften.",
    aim=("Afdelingen afprøver flere forbedringsidéer systematisk", "mindst fem afprøvede idéer om måneden",
         date(2026, 10, 31)),
    measures=(
        MeasurePlan("Afprøvede forbedringsidéer", "process", Chart.C,
                    "Idéer afprøvet med en PDSA-cyklus i måneden.", Frequency.MONTH, "up",
                    Signal(1.5, 5.5, date(2026, 3, 1), 1.2), MONTHLY_FROM, "idéer", "5"),
        MeasurePlan("Oplevet indflydelse på egen arbejdsgang", "outcome", Chart.I,
                    "Andel medarbejdere (%), der i pulsmålingen svarer 'enig' eller 'meget enig'.", Frequency.MONTH,
                    "up", Signal(52, 64, date(2026, 5, 1), 3), MONTHLY_FROM, "%"),
    ),
    drivers=(
        ("Tid og rum til forbedring", (
            ("Fast rytme", ("Forbedringstorsdag hver 14. dag", "Tre måneders temaloop: udforsk, afprøv, evaluer")),
            ("Synlige resultater", ("Forbedringstavle i afsnittet",)),
        )),
    ),
    cycles=(
        CyclePlan(0, "Første forbedringstorsdag med to teams", ("Begge teams når at afprøve én idé",),
                  date(2026, 3, 12), 14, Phase.CLOSED, Decision.ADOPT, new_phase=True),
        CyclePlan(1, "Første temaloop: udforsk, afprøv, evaluer (marts–maj)", ("Temaet giver tre afprøvede idéer",),
                  date(2026, 3, 19), 70, Phase.CLOSED, Decision.ADAPT,
                  findings="Udforskningsfasen tog for lang tid.", next_steps="Kortere udforskning i næste loop."),
        CyclePlan(1, "Andet temaloop med kortere udforskning (juni–august)", ("Temaet giver fem afprøvede idéer",),
                  date(2026, 6, 11), 77, Phase.CLOSED, Decision.ADAPT, continues_previous=True,
                  findings="Fem idéer afprøvet; sommerferien gav huller.", next_steps="Planlæg uden om ferier."),
        CyclePlan(1, "Tredje temaloop (november–januar)", ("Mindst seks afprøvede idéer",), date(2026, 11, 12), 77,
                  Phase.PLAN, continues_previous=True),
        CyclePlan(2, "Forbedringstavle i ét afsnit", ("Alle idéer på tavlen har en ejer",), date(2026, 10, 22), 21,
                  Phase.DO, observations="Tavlen bruges dagligt ved morgenmødet."),
    ),
    first_answer=SignOffStatus.CHANGES_REQUESTED,
    freeze=(1, 14),  # the staff survey's first 14 months are the baseline
    progress=((date(2026, 2, 9), "1,0"), (date(2026, 4, 20), "2,0"), (date(2026, 7, 1), "2,5"),
              (date(2026, 10, 1), "3,5")),
)

# Which participant seat runs each of the six: (region, sector, organisation).
SIX_PROJECTS = (
    (Region.SYDDANMARK, Sector.REGIONAL, "Odense Universitetshospital", HOME_CHEMOTHERAPY),
    (Region.MIDTJYLLAND, Sector.REGIONAL, "Aarhus Universitetshospital", NEEDS_DRIVEN_CLINIC),
    (Region.NORDJYLLAND, Sector.MUNICIPAL, "Aalborg Kommune", RESPITE_READMISSIONS),
    (Region.MIDTJYLLAND, Sector.MUNICIPAL, "Aarhus Kommune", BED_DAYS),
    (Region.HOVEDSTADEN, Sector.REGIONAL, "Herlev og Gentofte Hospital", LUNG_CANCER),
    (Region.SJAELLAND, Sector.REGIONAL, "Holbæk Sygehus", IMPROVEMENT_THURSDAY),
)
