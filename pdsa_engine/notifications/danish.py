"""The mail's Danish: every English text of templates/email/ (and of the subjects), translated. A plural's
entry is its (singular, plural). The tests check that every text the templates hold is here, and nothing else."""

from __future__ import annotations

DANISH: dict[str, str | tuple[str, str]] = {
    # -- the layout ---------------------------------------------------------------------------------------
    "The national leadership programme in health care": "Det Nationale Ledelsesprogram",
    "Turn this digest off, or move it to another day and hour":
        "Slå dette overblik fra, eller flyt det til en anden dag og et andet tidspunkt",
    "Dear %(name)s,": "Kære %(name)s",
    "Open the project": "Åbn projektet",
    "None.": "Ingen.",
    # -- sign-offs ----------------------------------------------------------------------------------------
    "Your sign-off is requested": "Din godkendelse ønskes",
    "Your sign-off is requested (%(kind)s): %(title)s": "Din godkendelse ønskes (%(kind)s): %(title)s",
    "%(participant)s asks you, as sponsor, to sign off the project's %(kind)s: “%(title)s”.":
        "%(participant)s beder dig som sponsor om at godkende projektets %(kind)s: “%(title)s”.",
    "Approve it, ask for changes or decline it here:": "Godkend, bed om ændringer eller afvis her:",
    "Decide on the sign-off": "Tag stilling",
    "The link lets you decide without logging in for 7 days. It is for you alone: do not forward this mail.":
        "Med linket kan du tage stilling uden at logge ind i 7 dage. Det er kun til dig: videresend ikke denne mail.",
    "You receive this because you are the project's sponsor.":
        "Du får denne besked, fordi du er projektets sponsor.",
    "A sign-off waits for you": "En godkendelse venter på dig",
    "Reminder: the %(kind)s of “%(title)s” waits for your sign-off":
        "Påmindelse: projektets %(kind)s venter på din godkendelse – “%(title)s”",
    "The project's %(kind)s has waited %(num)s day for your sign-off: “%(title)s” (%(participant)s).": (
        "Projektets %(kind)s har ventet %(num)s dag på din godkendelse: “%(title)s” (%(participant)s).",
        "Projektets %(kind)s har ventet %(num)s dage på din godkendelse: “%(title)s” (%(participant)s).",
    ),
    "Your answer lets the project go on. Approve it, ask for changes or decline it here:":
        "Dit svar lader projektet komme videre. Godkend, bed om ændringer eller afvis her:",
    "A sign-off has waited long": "En godkendelse har ventet længe",
    "Waiting %(num)s day for the sponsor: %(title)s": (
        "Har ventet %(num)s dag på sponsor: %(title)s", "Har ventet %(num)s dage på sponsor: %(title)s"),
    "The %(kind)s of “%(title)s” (%(participant)s) has waited %(num)s day for the sponsor, %(sponsor)s.": (
        "Projektets %(kind)s (“%(title)s”, %(participant)s) har ventet %(num)s dag på sponsoren, %(sponsor)s.",
        "Projektets %(kind)s (“%(title)s”, %(participant)s) har ventet %(num)s dage på sponsoren, %(sponsor)s.",
    ),
    "A word with the sponsor may help. The sign-off:": "En snak med sponsoren kan hjælpe. Godkendelsen:",
    "See the sign-off": "Se godkendelsen",
    "You receive this as the programme's administrator or the project's coach.":
        "Du får denne besked som administrator af uddannelsen eller som projektets coach.",
    "The sponsor has decided": "Sponsoren har taget stilling",
    "The sponsor has decided (%(kind)s: %(decision)s): %(title)s":
        "Sponsoren har taget stilling (%(kind)s: %(decision)s): %(title)s",
    "%(sponsor)s has decided on the project's %(kind)s: %(decision)s.":
        "%(sponsor)s har taget stilling til projektets %(kind)s: %(decision)s.",
    "The sponsor's comment:": "Sponsorens kommentar:",
    "You receive this as the project's participant or coach.":
        "Du får denne besked som projektets deltager eller coach.",
    # -- cycles, meetings, progress, data -----------------------------------------------------------------
    "A PDSA cycle is past its planned end": "En PDSA-cyklus er over sin planlagte slutdato",
    "A PDSA cycle is past its planned end: %(objective)s": "En PDSA-cyklus er over sin planlagte slutdato: %(objective)s",
    "The cycle “%(objective)s” of “%(title)s” (%(participant)s) was planned to end on %(end)s and is still in its %(phase)s phase.":
        "Cyklussen “%(objective)s” i “%(title)s” (%(participant)s) skulle have sluttet den %(end)s og er stadig i "
        "fasen %(phase)s.",
    "Move it on to its next phase, amend its plan, or cancel it with a reason:":
        "Før den videre til næste fase, ret dens plan, eller annuller den med en begrundelse:",
    "Open the cycle": "Åbn cyklussen",
    "Hold the start-up meeting with the sponsor": "Hold opstartsmødet med sponsoren",
    "Module 1 is on %(date)s: hold the start-up meeting with the sponsor":
        "Modul 1 er den %(date)s: hold opstartsmødet med sponsoren",
    "No start-up meeting with the sponsor has been recorded for “%(title)s”. Module 1 is on %(date)s.":
        "Der er ikke registreret noget opstartsmøde med sponsoren for “%(title)s”. Modul 1 er den %(date)s.",
    "At the start-up meeting the participant, the sponsor (%(sponsor)s) and the coach (%(coach)s) agree on the project's strategic focus, what is expected of it and its resources.":
        "På opstartsmødet aftaler deltageren, sponsoren (%(sponsor)s) og coachen (%(coach)s) projektets "
        "strategiske fokus, forventningerne til det og dets ressourcer.",
    "Record the meeting when it has been held:": "Registrér mødet, når det er holdt:",
    "You receive this as the project's participant, sponsor or coach.":
        "Du får denne besked som projektets deltager, sponsor eller coach.",
    "Time for coaching": "Tid til coaching",
    "%(num)s day since the last coaching session: %(title)s": (
        "%(num)s dag siden seneste coachingsession: %(title)s", "%(num)s dage siden seneste coachingsession: %(title)s"),
    "The last coaching session of “%(title)s” (%(participant)s) was on %(date)s.":
        "Seneste coachingsession i “%(title)s” (%(participant)s) var den %(date)s.",
    "No coaching session of “%(title)s” (%(participant)s) has been recorded since the charter was approved.":
        "Der er ikke registreret nogen coachingsession i “%(title)s” (%(participant)s), siden kommissoriet blev "
        "godkendt.",
    "Find a time for the next one; coaching helps most while the cycles run.":
        "Find en tid til den næste; coaching hjælper mest, mens cyklusserne kører.",
    "Time to score the progress": "Tid til at score fremdriften",
    "Time to score the progress of “%(title)s”": "Tid til at score fremdriften i “%(title)s”",
    "The project's progress was last scored %(score)s on %(date)s.":
        "Projektets fremdrift blev senest scoret %(score)s den %(date)s.",
    "The project's progress has not been scored yet.": "Projektets fremdrift er ikke scoret endnu.",
    "A score on the 1–5 scale each month shows your sponsor and coach how the project is going.":
        "En score på skalaen 1–5 hver måned viser din sponsor og coach, hvordan projektet går.",
    "Score the progress": "Scor fremdriften",
    "You receive this as the project's participant.": "Du får denne besked som projektets deltager.",
    "Data missing for “%(measure)s”": "Der mangler data for “%(measure)s”",
    "The measure “%(measure)s” of “%(title)s” is recorded %(frequency)s; its latest data is for the period beginning %(date)s.":
        "Målingen “%(measure)s” i “%(title)s” registreres %(frequency)s; de seneste data er for perioden, der "
        "begynder den %(date)s.",
    "The measure “%(measure)s” of “%(title)s” is recorded %(frequency)s, and no data has been recorded yet.":
        "Målingen “%(measure)s” i “%(title)s” registreres %(frequency)s, og der er ikke registreret data endnu.",
    "A chart shows change only with data from every period. Record the missing periods here:":
        "Et diagram viser kun forandring med data fra hver periode. Registrér de manglende perioder her:",
    "Record data": "Registrér data",
    # -- the programme's dates ----------------------------------------------------------------------------
    "You are invited to the poster presentation": "Du er inviteret til posterpræsentationen",
    "You are invited: the poster presentation of %(cohort)s on %(date)s":
        "Du er inviteret: posterpræsentationen for %(cohort)s den %(date)s",
    "On %(date)s the participants of %(cohort)s present their improvement projects on posters. As sponsor you are invited to come and hear what your projects have achieved:":
        "Den %(date)s præsenterer deltagerne på %(cohort)s deres forbedringsprojekter på postere. Som sponsor er "
        "du inviteret til at komme og høre, hvad dine projekter har opnået:",
    "Your presence shows the participants that their work matters to the organisation.":
        "Når du kommer, viser du deltagerne, at deres arbejde betyder noget for organisationen.",
    "You receive this because you sponsor a project of the cohort.":
        "Du får denne besked, fordi du er sponsor for et projekt på holdet.",
    "%(num)s month on": ("%(num)s måned efter", "%(num)s måneder efter"),
    "%(num)s month on: how is “%(title)s” doing?": (
        "%(num)s måned efter: hvordan går det med “%(title)s”?",
        "%(num)s måneder efter: hvordan går det med “%(title)s”?"),
    "%(cohort)s ended on %(date)s, %(num)s month ago. How is “%(title)s” doing now?": (
        "%(cohort)s sluttede den %(date)s, for %(num)s måned siden. Hvordan går det med “%(title)s” nu?",
        "%(cohort)s sluttede den %(date)s, for %(num)s måneder siden. Hvordan går det med “%(title)s” nu?"),
    "Keep recording the measures: the chart shows whether the improvement holds. Score the progress, and tell your sponsor (in copy) what has spread.":
        "Bliv ved med at registrere målingerne: diagrammet viser, om forbedringen holder. Scor fremdriften, og "
        "fortæl din sponsor (cc), hvad der er spredt.",
    "You receive this as the project's participant; the sponsor receives a copy.":
        "Du får denne besked som projektets deltager; sponsoren får en kopi.",
    # -- digests ------------------------------------------------------------------------------------------
    "Your projects this week": "Dine projekter i denne uge",
    "Your projects this week (%(date)s)": "Dine projekter i denne uge (%(date)s)",
    "What happened since %(date)s, and what waits for you.": "Hvad der er sket siden %(date)s, og hvad der venter på dig.",
    "You receive this weekly because you sponsor these projects.":
        "Du får dette overblik hver uge, fordi du er sponsor for disse projekter.",
    "progress %(score)s": "fremdrift %(score)s",
    "Waiting for your decision": "Venter på din stillingtagen",
    "%(kind)s, waiting %(num)s day": ("%(kind)s, har ventet %(num)s dag", "%(kind)s, har ventet %(num)s dage"),
    "PDSA cycles finished this week": "PDSA-cyklusser afsluttet i denne uge",
    "Chart of %(measure)s": "Diagram over %(measure)s",
    "Next: %(what)s on %(date)s": "Næste gang: %(what)s den %(date)s",
    "Your participants this week": "Dine deltagere i denne uge",
    "Your participants this week (%(date)s)": "Dine deltagere i denne uge (%(date)s)",
    "no coaching session recorded yet": "ingen coachingsession registreret endnu",
    "%(num)s day since the last coaching session": (
        "%(num)s dag siden seneste coachingsession", "%(num)s dage siden seneste coachingsession"),
    "overdue": "forsinket",
    "No open PDSA cycle.": "Ingen åben PDSA-cyklus.",
    "You receive this weekly as these projects' coach.": "Du får dette overblik hver uge som coach for disse projekter.",
    "The programme this week": "Uddannelsen i denne uge",
    "The programme this week (%(date)s)": "Uddannelsen i denne uge (%(date)s)",
    "Reminders sent to sponsors this week: %(reminders)s · escalations: %(escalations)s":
        "Påmindelser sendt til sponsorer i denne uge: %(reminders)s · eskaleringer: %(escalations)s",
    "Sign-offs waiting": "Ventende godkendelser",
    "%(num)s day": ("%(num)s dag", "%(num)s dage"),
    "Stalled projects": "Projekter i stå",
    "nothing recorded for %(num)s day": ("intet registreret i %(num)s dag", "intet registreret i %(num)s dage"),
    "Mail that could not be delivered": "Mails, der ikke kunne leveres",
    "You receive this weekly as the programme's administrator.":
        "Du får dette overblik hver uge som administrator af uddannelsen.",
    # -- the auditors' checkpoint -------------------------------------------------------------------------
    "The history does not verify": "Historikken kan ikke verificeres",
    "This week's checkpoint of the history": "Ugens kontrolpunkt for historikken",
    "This week's checkpoint of the history: position %(position)s": "Ugens kontrolpunkt for historikken: position %(position)s",
    "The stored history was checked on %(moment)s and does not verify:":
        "Den gemte historik blev kontrolleret %(moment)s og kan ikke verificeres:",
    "No checkpoint was signed. Compare with your kept checkpoints (pdsa audit verify) and the backups.":
        "Der blev ikke underskrevet noget kontrolpunkt. Sammenlign med dine gemte kontrolpunkter (pdsa audit "
        "verify) og sikkerhedskopierne.",
    "The stored history was checked on %(moment)s: every event's link and seal holds, up to position %(position)s.":
        "Den gemte historik blev kontrolleret %(moment)s: hver hændelses kæde og segl holder, til og med position "
        "%(position)s.",
    "The attached checkpoint is signed with the audit key (fingerprint %(fingerprint)s). Keep it outside the database: `pdsa audit verify --checkpoint FILE` later shows that nothing up to this position has been changed.":
        "Det vedhæftede kontrolpunkt er underskrevet med revisionsnøglen (fingeraftryk %(fingerprint)s). Gem det "
        "uden for databasen: `pdsa audit verify --checkpoint FIL` viser senere, at intet til og med denne position "
        "er ændret.",
    "You receive this weekly as the programme's auditor.": "Du får denne besked hver uge som uddannelsens revisor.",
}
