"""The one parameter schema of reve-sim.

Every model parameter is declared here once, with its default, bounds, unit,
bilingual label, meaning and source. The same table validates user input,
documents the model (docs/ODD.md), and will feed the command-line configs,
the sensitivity-analysis problems and the app's sliders.

Rates are per week (one step = one school-calendar week) unless the unit says
otherwise. A source of "assumption" marks a value chosen by the modellers; it
is a calibration or sensitivity-analysis target, not an empirical fact.
"""

from __future__ import annotations

import datetime as _dt
import difflib
import math
from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import numpy as np

CATEGORIES: tuple[str, ...] = (
    "teacher",
    "school_leader",
    "support_staff",
    "researcher",
    "edtech",
    "association",
    "local_authority",
    "family",
)
"""Actor categories, in the fixed order used by every array (index = code)."""

SCHOOL_CATEGORIES = ("teacher", "school_leader")
"""Categories attached to an establishment."""

PROBLEMS: tuple[str, ...] = (
    "remote_teaching",
    "inclusion",
    "digital_skills",
    "assessment",
    "well_being",
    "school_family_link",
)
"""Names of the default shared problems (K = 6); larger K get generic names."""

SHOCK_FIELDS: dict[str, tuple[float, float, float, str]] = {
    # field: (default, low, high, meaning)
    "need": (0.0, 0.0, 1.0, "added to the baseline need for support"),
    "anxiety": (0.0, 0.0, 1.0, "added to the baseline anxiety"),
    "efficacy_loss": (0.0, 0.0, 1.0, "share of efficacy an unsupported actor loses"),
    "in_person": (1.0, 0.0, 1.0, "share of in-person channels still open (1 = all open)"),
    "online_discovery": (1.0, 0.0, 10.0, "multiplier of open (online) discovery"),
    "time": (1.0, 0.0, 3.0, "multiplier of the time actors can give to collectives"),
    "founding": (1.0, 0.0, 10.0, "multiplier of the founding rate of emergent collectives"),
}
"""Fields of a scenario shock (an event with a start and an end date)."""

PROGRAMME_FIELDS: dict[str, tuple[float, float, float, str]] = {
    "per_1000": (1.0, 0.0, 100.0, "funded collectives created per 1,000 actors"),
    "duration_weeks": (0.0, 0.0, 520.0, "funding duration in weeks (0 = lever funding_duration)"),
    "amount": (1.0, 0.0, 1e9, "funding per collective (arbitrary units)"),
}
"""Fields of a funded programme call (an event with a start date)."""


@dataclass(frozen=True)
class Param:
    """One scalar model parameter."""

    name: str
    default: float
    low: float
    high: float
    unit: str
    group: str  # structure | behaviour | contingency | lever | ecosystem
    label_en: str
    label_fr: str
    description: str
    source: str
    integer: bool = False
    choices: tuple[str, ...] = ()
    """Names of the values 0, 1, ... of an integer-coded choice (empty for numbers)."""

    def label(self, lang: str = "en") -> str:
        return self.label_fr if lang == "fr" else self.label_en


_P = Param
PARAMETERS: dict[str, Param] = {
    p.name: p
    for p in [
        # --- structure ----------------------------------------------------------
        _P("n_actors", 2000, 10, 5_000_000, "actors", "structure",
           "Number of actors", "Nombre d'acteurs",
           "Actors of every category in the simulated territory.",
           "assumption (laptop default; 'size' presets scale it)", integer=True),
        _P("n_territories", 3, 1, 200, "regions", "structure",
           "Territories", "Territoires",
           "Regions (académies); ties, establishments and brokerage are territorial.",
           "issue #2 (default 3 regions)", integer=True),
        _P("n_problems", 6, 1, 32, "problems", "structure",
           "Shared problems", "Problèmes partagés",
           "Shared problems K that collectives form around.",
           "issue #2 (default 6)", integer=True),
        _P("establishment_size", 30, 2, 200, "staff", "structure",
           "School staff per establishment", "Personnels par établissement",
           "Mean number of teachers and school leaders per establishment.",
           "assumption (French collège order of magnitude)", integer=True),
        _P("max_memberships", 4, 1, 8, "collectives", "structure",
           "Memberships per actor", "Collectifs par acteur",
           "Most collectives one actor belongs to at once.", "assumption", integer=True),
        _P("ties_peer", 3, 0, 50, "ties", "structure",
           "Peer ties", "Liens entre pairs",
           "Ties drawn by each actor to others of its territory and category.",
           "assumption", integer=True),
        _P("ties_long_range", 1, 0, 20, "ties", "structure",
           "Long-range ties", "Liens lointains",
           "Ties drawn by each actor to any actor (small-world shortcuts).",
           "assumption", integer=True),
        _P("tie_graph", 0, 0, 1, "choice", "structure",
           "Tie graph", "Graphe des liens",
           "How the tie graph is drawn: 0 'territorial' (peer ties within territory and "
           "category plus long-range ties), 1 'regular' (a random regular graph over all "
           "actors, each with exactly ties_peer ties; ties_long_range and network_density "
           "unused).",
           "design choice; 'regular' is the random k-regular graph of the pair "
           "approximation (domain §4.2)", integer=True, choices=("territorial", "regular")),
        _P("preexisting_per_1000", 12.0, 0.0, 200.0, "collectives/1000 actors", "structure",
           "Pre-existing collectives", "Collectifs préexistants",
           "Collectives present at the start, per 1,000 actors (times network_density).",
           "assumption"),
        _P("preexisting_count", 0, 0, 10000, "collectives", "structure",
           "Fixed number of pre-existing collectives", "Nombre fixé de collectifs préexistants",
           "If above 0, exactly this many collectives are present at the start, whatever "
           "the population size and preexisting_per_1000 (0 = use preexisting_per_1000).",
           "design choice (validation switch: one collective for the Bass and M/M/inf "
           "checks, domain §4)", integer=True),
        _P("preexisting_size", 8.0, 2.0, 200.0, "members", "structure",
           "Size of pre-existing collectives", "Taille des collectifs préexistants",
           "Median initial size; sizes are log-normal (heavy right tail).",
           "assumption; heavy tail per domain §3.3"),
        _P("preexisting_size_spread", 0.8, 0.0, 3.0, "sd of log", "structure",
           "Spread of pre-existing sizes", "Dispersion des tailles préexistantes",
           "Standard deviation of the log of the initial sizes (0 = every pre-existing "
           "collective aims at preexisting_size members; at least 2 in any case).",
           "assumption; heavy tail per domain §3.3"),
        _P("share_thematic", 0.4, 0.0, 1.0, "share", "structure",
           "Thematic share", "Part de collectifs thématiques",
           "Share of pre-existing collectives that are thematic (open to all categories).",
           "assumption"),
        _P("share_open", 0.5, 0.0, 1.0, "share", "structure",
           "Open share", "Part de collectifs ouverts",
           "Share of pre-existing and emergent collectives that are open.", "assumption"),
        # --- behaviour -----------------------------------------------------------
        _P("time_budget", 2.0, 0.0, 40.0, "h/week", "behaviour",
           "Weekly time budget", "Temps hebdomadaire disponible",
           "Median hours a teacher can give to collectives; other categories scale it "
           "(see CATEGORY_PROFILES); log-normal across actors (spread time_budget_spread).",
           "assumption"),
        _P("time_budget_spread", 0.5, 0.0, 3.0, "sd of log", "behaviour",
           "Spread of time budgets", "Dispersion du temps disponible",
           "Standard deviation of the log of the actors' time budgets (0 = all equal within "
           "a category).", "assumption"),
        _P("hours_per_membership", 1.5, 0.1, 20.0, "h/week", "behaviour",
           "Hours per membership", "Heures par collectif",
           "Hours a fully engaged member gives one collective each week.", "assumption"),
        _P("propensity_median", 0.35, 0.01, 0.99, "0-1", "behaviour",
           "Engagement propensity", "Propension à s'engager",
           "Median of the actors' engagement propensity (logit-normal, spread "
           "propensity_spread).", "assumption"),
        _P("propensity_spread", 1.0, 0.0, 4.0, "sd of logit", "behaviour",
           "Spread of engagement propensity", "Dispersion de la propension à s'engager",
           "Standard deviation of the logit of the actors' engagement propensity (0 = all "
           "equal within a category).", "assumption"),
        _P("contribution_rate", 0.005, 0.0, 10.0, "1/h", "behaviour",
           "Contribution rate", "Taux de contribution",
           "A member contributes in a week with probability 1-exp(-rate x hours given).",
           "calibrated to participation inequality: 10-25% of members ever contribute and "
           "the top 1% produce 50-75% (van Mierlo 2014); Poisson posting, domain §4.5"),
        _P("voice_spread", 2.4, 0.0, 4.0, "sd of log", "behaviour",
           "Spread of voice", "Dispersion de la prise de parole",
           "Standard deviation of the log of each actor's propensity to post (median 1).",
           "calibrated to the top-1% share of contributions, 50-75% (van Mierlo 2014); "
           "heavy-tailed activity rates with Poisson posting, domain §4.5"),
        _P("need_baseline", 0.3, 0.01, 0.99, "0-1", "behaviour",
           "Baseline need for support", "Besoin d'appui de base",
           "Median of the actors' personal baseline need (logit-normal, spread need_spread), "
           "which need relaxes towards outside shocks.", "assumption"),
        _P("need_spread", 0.8, 0.0, 4.0, "sd of logit", "behaviour",
           "Spread of baseline need", "Dispersion du besoin de base",
           "Standard deviation of the logit of the actors' baseline need (0 = every actor "
           "at need_baseline).", "assumption"),
        _P("need_relaxation", 0.5, 0.0, 1.0, "1/week", "behaviour",
           "Need relaxation", "Relaxation du besoin",
           "Weekly rate at which need moves towards its target.",
           "calibrated to the surge of joining and founding within 1-2 weeks of a lockdown "
           "(Drury & Ntontis, domain §3.6)"),
        _P("anxiety_baseline", 0.2, 0.0, 1.0, "0-1", "behaviour",
           "Baseline anxiety", "Anxiété de base",
           "Anxiety outside shocks.",
           "assumption (in lockdown only 20% of French teachers felt calm, Synlab 2020)"),
        _P("anxiety_relaxation", 0.2, 0.0, 1.0, "1/week", "behaviour",
           "Anxiety relaxation", "Relaxation de l'anxiété",
           "Weekly rate at which anxiety moves towards its target.", "assumption"),
        _P("support_relief", 0.6, 0.0, 2.0, "0-1", "behaviour",
           "Relief from support", "Apaisement par le soutien",
           "How much support received in collectives lowers anxiety's target "
           "(the 'reassuring environment').", "assumption"),
        _P("efficacy_relaxation", 0.1, 0.0, 1.0, "1/week", "behaviour",
           "Efficacy relaxation", "Relaxation de l'efficacité",
           "Weekly rate at which efficacy moves towards its target.", "assumption"),
        _P("efficacy_buffer", 0.8, 0.0, 2.0, "0-1", "behaviour",
           "Buffer from support and knowledge", "Protection par le soutien et les savoirs",
           "How much support and knowledge gained protect efficacy during a shock.",
           "assumption"),
        _P("weight_knowledge", 1.0, 0.0, 5.0, "benefit", "behaviour",
           "Weight of knowledge", "Poids des savoirs",
           "Benefit from the collective's activity, interest match and category mix.",
           "assumption (Ren & Kraut information benefit, domain §2.3)"),
        _P("weight_support", 0.8, 0.0, 5.0, "benefit", "behaviour",
           "Weight of social support", "Poids du soutien",
           "Benefit from other members' activity, scaled by the actor's need.",
           "calibrated (with support_scale) to 50-60% of new collectives inactive within a "
           "quarter (Kraut & Fiore 2014); Ren & Kraut bond benefit, domain §2.3"),
        _P("weight_cost", 0.5, 0.0, 5.0, "benefit", "behaviour",
           "Weight of time cost", "Poids du coût en temps",
           "Cost of the time a membership takes relative to the time available.",
           "assumption"),
        _P("activity_scale", 0.25, 0.1, 100.0, "h/week", "behaviour",
           "Activity scale", "Échelle d'activité",
           "Weekly contributed hours at which a collective gives 63% of its full "
           "knowledge benefit (concave information benefit).",
           "calibrated with contribution_rate so that the concave knowledge benefit keeps "
           "its range at the lower posting rate (overload past ~40 messages, domain §2.3)"),
        _P("group_scale", 30.0, 1.0, 10000.0, "members", "behaviour",
           "Crowding scale", "Échelle d'encombrement",
           "Members at which the knowledge and support reaching one member halve "
           "(signal-to-noise falls and posts go unanswered as groups grow).",
           "assumption (Ren & Kraut reading cost; 40% unanswered posts, Burke et al. 2007)"),
        _P("support_scale", 0.6, 0.5, 100.0, "contributors", "behaviour",
           "Support scale", "Échelle de soutien",
           "Contributors at which social support saturates.",
           "calibrated with contribution_rate (posts are rare: one contributing co-member "
           "gives most of the support) and to the die-young share (Kraut & Fiore 2014)"),
        _P("complementarity", 0.5, 0.0, 3.0, "benefit", "behaviour",
           "Complementarity of categories", "Complémentarité des catégories",
           "Extra knowledge benefit when all categories are present.",
           "assumption (SKIN progressive strategy, domain §2.1)"),
        _P("satisfaction_memory", 0.2, 0.01, 1.0, "1/week", "behaviour",
           "Satisfaction update rate", "Mise à jour de la satisfaction",
           "Weight of this week's net benefit in the satisfaction moving average.",
           "assumption"),
        _P("engagement_rate", 0.1, 0.0, 1.0, "1/week", "behaviour",
           "Engagement adjustment", "Ajustement de l'engagement",
           "Weekly rate at which engagement moves towards its target.", "assumption"),
        _P("engagement_gain", 0.6, 0.0, 5.0, "0-1", "behaviour",
           "Engagement gain", "Gain d'engagement",
           "How much satisfaction lifts engagement above propensity.", "assumption"),
        _P("leave_base", 0.002, 0.0, 1.0, "1/week", "behaviour",
           "Baseline leaving hazard", "Risque de départ de base",
           "Weekly hazard of leaving a collective when fully satisfied.",
           "calibrated to newcomer retention that flattens after the first months "
           "(Halfaker et al. 2013); Commoners leave-prob order, domain §2.5"),
        _P("leave_max", 0.18, 0.0, 1.0, "1/week", "behaviour",
           "Maximal leaving hazard", "Risque de départ maximal",
           "Weekly hazard of leaving when deeply dissatisfied.",
           "calibrated to newcomer retention that falls steeply (Halfaker et al. 2013) and "
           "to the +10-12 points of return of a welcome (Joyce & Kraut 2006)"),
        _P("leave_slope", 16.0, 0.0, 100.0, "1/satisfaction", "behaviour",
           "Leaving sensitivity", "Sensibilité au départ",
           "Steepness of the logistic fall of the hazard with satisfaction.",
           "calibrated to the steep-then-flat retention curve (domain §3.4)"),
        _P("leave_time_pressure", 0.1, 0.0, 1.0, "1/week", "behaviour",
           "Leaving from time pressure", "Départ par manque de temps",
           "Extra weekly hazard per unit of time over-commitment.", "assumption"),
        _P("join_rate", 0.08, 0.0, 1.0, "1/week", "behaviour",
           "Search rate", "Taux de recherche",
           "Weekly probability that an actor with room looks at collectives, "
           "scaled by (0.5 + need).", "assumption"),
        _P("mixing", 0, 0, 1, "choice", "behaviour",
           "Mixing of the tie channel", "Brassage du canal des liens",
           "Whom the tie channel of joining shows a searching actor: 0 'network' (a colleague "
           "or a tie of the graph), 1 'uniform' (an actor drawn uniformly from the whole "
           "population each week: full mixing).",
           "design choice; 'uniform' is the fully mixed setting of the Bass and SIS mean-field "
           "checks (domain §4.1-4.2)", integer=True, choices=("network", "uniform")),
        _P("threshold_mean", 0.25, -2.0, 2.0, "benefit", "behaviour",
           "Joining threshold (mean)", "Seuil d'adhésion (moyenne)",
           "Mean of the expected net benefit needed to join (normal across actors).",
           "assumption (Granovetter 1978, domain §2.4)"),
        _P("threshold_spread", 0.2, 0.0, 2.0, "benefit", "behaviour",
           "Joining threshold (spread)", "Seuil d'adhésion (dispersion)",
           "Standard deviation of the joining threshold; the spread decides take-off.",
           "assumption; the spread decides take-off (Granovetter threshold jump, domain §4.4)"),
        _P("found_rate", 0.05, 0.0, 1.0, "1/week", "behaviour",
           "Founding rate", "Taux de fondation",
           "Weekly founding probability at maximal unmet need and propensity.",
           "assumption"),
        _P("found_need", 0.55, 0.0, 1.0, "0-1", "behaviour",
           "Need that triggers founding", "Besoin déclencheur de fondation",
           "Unmet need above which actors may found a collective.",
           "calibrated to 50-60% of new collectives inactive within a quarter (Kraut & "
           "Fiore 2014)"),
        _P("cofounders", 4, 0, 20, "actors", "behaviour",
           "Co-founders", "Cofondateurs",
           "Most tied actors sharing the need who join a founder.",
           "calibrated to 50-60% of new collectives inactive within a quarter (survival rises "
           "with the founders' ties, Kraut & Fiore 2014; founding team, domain §4.3)",
           integer=True),
        _P("dormant_activity", 0.005, 0.0, 100.0, "h/week", "behaviour",
           "Activity threshold of dormancy", "Seuil d'activité de sommeil",
           "Weekly contributed hours below which a week counts as inactive.",
           "calibrated with contribution_rate and to 50-60% of new collectives inactive "
           "within a quarter (Kraut & Fiore 2014)"),
        _P("dormant_weeks", 13, 1, 104, "weeks", "behaviour",
           "Weeks to dormancy", "Semaines avant sommeil",
           "Consecutive inactive weeks before a collective goes dormant "
           "(holiday weeks do not count).",
           "calibrated to 50-60% of new unsupported collectives inactive within a quarter "
           "(Kraut & Fiore 2014 'no new content')", integer=True),
        _P("dissolve_weeks", 26, 1, 520, "weeks", "behaviour",
           "Weeks dormant before dissolution", "Semaines de sommeil avant dissolution",
           "A dormant collective dissolves after this long without reviving.",
           "assumption", integer=True),
        _P("funding_end_engagement", 0.4, 0.0, 1.0, "0-1", "behaviour",
           "Engagement to survive funding end", "Engagement pour survivre à la fin du financement",
           "Mean engagement below which a collective dissolves when its funding ends.",
           "assumption (Tapped In: funding runs out, domain §3.2)"),
        _P("animator_departure", 0.01, 0.0, 1.0, "1/week", "behaviour",
           "Animator departure hazard", "Départ de l'animateur",
           "Weekly hazard that an unsupported animator gives up the role "
           "(halved for supported animators).", "assumption (~2-year tenure)"),
        _P("takeover", 0.2, 0.0, 1.0, "1/week", "behaviour",
           "Takeover probability", "Probabilité de relève",
           "Weekly probability that a committed member takes over a vacant animation.",
           "assumption"),
        _P("takeover_engagement", 0.5, 0.0, 1.0, "0-1", "behaviour",
           "Engagement to take over", "Engagement pour la relève",
           "Engagement a member needs to take over animation.", "assumption"),
        _P("animator_activity", 45.0, 0.0, 50.0, "x", "behaviour",
           "Animator's extra activity", "Surcroît d'activité de l'animateur",
           "An animator posts (1 + this) times as often as its voice alone implies "
           "(1 + twice this if supported).",
           "calibrated to the top-1% share and to new collectives dying young: animators "
           "are the superusers who keep a collective active (Kraut & Fiore 2014: founders' "
           "early activity)"),
        _P("reply_probability", 0.6, 0.0, 1.0, "probability", "behaviour",
           "Welcome probability", "Probabilité d'accueil",
           "Probability that the animator welcomes a newcomer in its first week "
           "(0.9 if the animator is supported).",
           "Joyce & Kraut 2006: 61% of newcomers got a reply"),
        _P("welcome_bonus", 0.5, 0.0, 5.0, "benefit", "behaviour",
           "Welcome benefit", "Bénéfice de l'accueil",
           "Net-benefit bonus, in the week of the welcome, of a newcomer welcomed by the "
           "animator.",
           "calibrated to +10-12 points of return of a welcomed newcomer (Joyce & Kraut "
           "2006: 56% vs 44%)"),
        _P("grace_weeks", 8, 1, 104, "weeks", "behaviour",
           "Grace period of a new collective", "Délai de grâce d'un nouveau collectif",
           "Weeks a new collective has to reach min_members members before it dissolves.",
           "assumption", integer=True),
        _P("min_members", 2, 1, 20, "members", "behaviour",
           "Minimal viable size", "Taille minimale viable",
           "A collective with fewer members than this after its grace period dissolves "
           "(1 = only empty collectives dissolve).",
           "assumption (SKIN dissolves networks with at most one member, domain §2.1)",
           integer=True),
        _P("knowledge_rate", 0.1, 0.0, 10.0, "units/h", "behaviour",
           "Knowledge production", "Production de savoirs",
           "Knowledge added to a collective's stock per contributed hour "
           "(times the complementarity factor).", "assumption"),
        _P("knowledge_decay", 0.01, 0.0, 1.0, "1/week", "behaviour",
           "Knowledge decay", "Oubli des savoirs",
           "Weekly loss of a collective's knowledge stock.", "assumption"),
        _P("spillover", 0.05, 0.0, 1.0, "1/week", "behaviour",
           "Spillover rate", "Taux de diffusion",
           "Share of a knowledge gap a boundary spanner closes each week.",
           "assumption (SKIN knowledge exchange, domain §2.1)"),
        # --- contingencies --------------------------------------------------------
        _P("school_move_rate", 0.11, 0.0, 1.0, "1/year", "contingency",
           "Teachers changing school", "Enseignants changeant d'école",
           "Share of teachers changing establishment at each rentrée.",
           "DEPP Note d'information 28 (2015): 11% in public primary"),
        _P("teacher_exit_rate", 0.039, 0.0, 1.0, "1/year", "contingency",
           "Teachers leaving teaching", "Enseignants quittant le métier",
           "Share of teachers leaving teaching at each rentrée (replaced by newcomers).",
           "DEPP Note 20.16 (2020): 3.9% of 2017 teachers not in post in 2018"),
        _P("mobility_multiplier", 1.0, 0.0, 5.0, "x", "contingency",
           "Mobility multiplier", "Multiplicateur de mobilité",
           "Multiplies both mobility rates (2 = priority-education turnover).",
           "DEPP 2015: higher in éducation prioritaire"),
        _P("illness_rate", 0.01, 0.0, 1.0, "1/week", "contingency",
           "Personal contingency rate", "Taux d'aléas personnels",
           "Weekly probability of an illness or personal workload peak.", "assumption"),
        _P("illness_weeks", 3.0, 1.0, 52.0, "weeks", "contingency",
           "Contingency duration", "Durée des aléas",
           "Mean duration of a personal contingency (geometric).", "assumption"),
        _P("illness_time", 0.2, 0.0, 1.0, "x", "contingency",
           "Time left during a contingency", "Temps restant pendant un aléa",
           "Share of the time budget left to an actor during a personal contingency.",
           "assumption"),
        _P("holiday_time", 0.3, 0.0, 3.0, "x", "contingency",
           "Time during holidays", "Temps pendant les vacances",
           "Multiplier of time given to collectives during school holidays.", "assumption"),
        _P("peak_time", 0.6, 0.0, 3.0, "x", "contingency",
           "Time during workload peaks", "Temps pendant les pics de charge",
           "Multiplier of time during end-of-term workload peaks (councils, reports).",
           "assumption"),
        # --- levers (default = status quo) ----------------------------------------
        _P("release_time", 0.0, 0.0, 6.0, "h/week", "lever",
           "Release time", "Décharge horaire",
           "Extra weekly hours for teachers engaged (>= 0.5) in a collective.",
           "lever; status quo 0"),
        _P("recognition", 0.0, 0.0, 1.0, "0-1", "lever",
           "Recognition of engagement", "Valorisation de l'engagement",
           "Benefit of contributing from career, time or visibility recognition.",
           "lever; status quo 0"),
        _P("animation", 0.0, 0.0, 1.0, "share", "lever",
           "Animation support", "Soutien à l'animation",
           "Share of collectives whose animators are supported (trained, given time).",
           "lever; status quo 0"),
        _P("brokerage", 0.0, 0.0, 1.0, "0-1", "lever",
           "Brokerage by the support operator", "Intermédiation de l'opérateur",
           "Weekly probability that the support operator suggests a matching "
           "collective to a searching actor.", "lever; status quo 0"),
        _P("discoverability", 0.2, 0.0, 1.0, "0-1", "lever",
           "Platform discoverability", "Visibilité des plateformes",
           "Weekly probability that a searching actor discovers an open collective "
           "online (chosen in proportion to size).",
           "lever; status quo assumption (Foote et al. 2020 size-weighted choice)"),
        _P("funding_duration", 104, 4, 520, "weeks", "lever",
           "Funding duration", "Durée du financement",
           "Weeks a programme funds an institutional collective.",
           "lever; GREAT-SKIN projects ~32 months", integer=True),
        _P("funding_renewal", 0.0, 0.0, 1.0, "probability", "lever",
           "Funding renewal", "Renouvellement du financement",
           "Probability that funding is renewed (for funding_duration weeks) each time "
           "it ends.", "lever; status quo 0"),
        _P("heterogeneity_incentive", 0.0, 0.0, 2.0, "benefit", "lever",
           "Incentive for mixed collectives", "Incitation aux collectifs hétérogènes",
           "Extra complementarity benefit for inter-professional collectives.",
           "lever; status quo 0"),
        _P("network_density", 1.0, 0.0, 3.0, "x", "lever",
           "Density of pre-existing networks", "Densité des réseaux préexistants",
           "Multiplier of pre-existing collectives and peer ties.", "lever; status quo 1"),
        # --- ecosystem detection ----------------------------------------------------
        _P("eco_min_collectives", 2, 2, 100, "collectives", "ecosystem",
           "Collectives in an ecosystem", "Collectifs par écosystème",
           "Least active collectives in an innovation ecosystem.", "issue #2", integer=True),
        _P("eco_min_categories", 3, 1, 8, "categories", "ecosystem",
           "Categories in an ecosystem", "Catégories par écosystème",
           "Least actor categories an innovation ecosystem spans.", "issue #2",
           integer=True),
    ]
}

Knobs = namedtuple("Knobs", list(PARAMETERS))
"""All scalar parameters by name, as floats: the form the rules (``rules.py``) read.

Kernels are called with ``tuple(knobs)`` and rebuild the named tuple inside
(``Knobs(*knobs)``): Numba types a plain tuple in ~2 µs at each call from Python,
a named tuple of this size in ~12 µs, which dominated small runs."""

CATEGORY_SHARES_DEFAULT: dict[str, float] = {
    "teacher": 0.70,
    "school_leader": 0.05,
    "support_staff": 0.03,
    "researcher": 0.02,
    "edtech": 0.02,
    "association": 0.03,
    "local_authority": 0.02,
    "family": 0.13,
}
"""Default population mix (assumption: teachers dominate the workforce; families and
partners are those who take part in collectives)."""

CATEGORY_PROFILES: dict[str, tuple[float, float, float]] = {
    # category: (time budget multiplier, propensity multiplier, founding multiplier)
    "teacher": (1.0, 1.0, 1.0),
    "school_leader": (0.8, 1.0, 1.2),
    "support_staff": (3.0, 1.5, 2.0),
    "researcher": (1.5, 1.0, 1.0),
    "edtech": (1.5, 1.2, 1.0),
    "association": (1.5, 1.3, 1.5),
    "local_authority": (1.0, 0.8, 0.8),
    "family": (0.5, 0.6, 0.5),
}
"""Per-category multipliers (assumption: the support operator's staff is paid to
animate; families have least time)."""

DEFAULT_START_DATE = "2019-09-02"
"""Monday of the 2019 rentrée: week 0 of a run (so that lockdown_2020 falls in year 1)."""


class ParameterError(ValueError):
    """Bad model input, raised before any run starts."""


def did_you_mean(name: str, options) -> str:
    """The hint " Did you mean 'x'?" naming the closest of ``options`` ("" if none is close)."""
    close = difflib.get_close_matches(name, list(options), n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def _check_number(where: str, value: Any, low: float, high: float, integer: bool) -> float:
    kind = type(value)
    if (kind is int or (kind is float and not integer)) and low <= value <= high:
        return int(value) if integer else float(value)  # the common case, at once
    if isinstance(value, str):
        try:
            value = float(value) if not integer else int(value)
        except ValueError:
            raise ParameterError(
                f"{where} = {value!r} is not a number; allowed: {low} to {high}."
            ) from None
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | float | np.integer
                                                            | np.floating):
        raise ParameterError(f"{where} = {value!r} is not a number; allowed: {low} to {high}.")
    if not math.isfinite(value):
        raise ParameterError(f"{where} = {value!r} is not allowed; allowed: {low} to {high}.")
    if integer and float(value) != int(value):
        raise ParameterError(f"{where} = {value!r} must be a whole number from {low} to {high}.")
    if not low <= value <= high:
        raise ParameterError(f"{where} = {value!r} is out of bounds; allowed: {low} to {high}.")
    return int(value) if integer else float(value)


def _check_choice(p: Param, value: Any) -> int:
    """An integer-coded choice, given by its code or by its name."""
    if isinstance(value, str) and value.strip() in p.choices:
        return p.choices.index(value.strip())
    allowed = ", ".join(f"{code} or '{name}'" for code, name in enumerate(p.choices))
    try:
        return _check_number(p.name, value, p.low, p.high, True)
    except ParameterError:
        hint = did_you_mean(value, p.choices) if isinstance(value, str) else ""
        raise ParameterError(f"{p.name} = {value!r} is not allowed.{hint} "
                             f"Allowed: {allowed}.") from None


def choice_name(name: str, value: Any) -> str:
    """The name of the value of an integer-coded choice parameter."""
    return PARAMETERS[name].choices[int(value)]


def _check_date(where: str, value: Any) -> str:
    try:
        return _dt.date.fromisoformat(str(value)).isoformat()
    except ValueError:
        raise ParameterError(
            f"{where} = {value!r} is not a date; use the form YYYY-MM-DD."
        ) from None


def _check_monday(where: str, value: Any) -> str:
    date = _check_date(where, value)
    if _dt.date.fromisoformat(date).weekday() != 0:
        raise ParameterError(f"{where} = {date} is not a Monday; weeks start on Mondays "
                             f"(e.g. {DEFAULT_START_DATE}).")
    return date


def _check_category_shares(value: Any) -> dict[str, float]:
    if not isinstance(value, dict):
        raise ParameterError(
            f"category_shares = {value!r} must map categories to shares; "
            f"categories: {', '.join(CATEGORIES)}."
        )
    shares = dict.fromkeys(CATEGORIES, 0.0)
    for name, share in value.items():
        if name not in CATEGORIES:
            raise ParameterError(
                f"category_shares has unknown category {name!r}.{did_you_mean(name, CATEGORIES)} "
                f"Allowed: {', '.join(CATEGORIES)}."
            )
        shares[name] = _check_number(f"category_shares.{name}", share, 0.0, 1.0, False)
    total = sum(shares.values())
    if abs(total - 1.0) > 1e-6:
        raise ParameterError(f"category_shares sum to {total:.6g}; they must sum to 1.")
    return shares


def _check_events(name: str, value: Any, fields: dict, needs_end: bool) -> list[dict]:
    if not isinstance(value, list | tuple):
        raise ParameterError(f"{name} = {value!r} must be a list of events.")
    events = []
    for i, raw in enumerate(value):
        where = f"{name}[{i}]"
        if not isinstance(raw, dict):
            raise ParameterError(f"{where} = {raw!r} must be a mapping.")
        allowed = {"start", "end", "label"} | set(fields) if needs_end else \
            {"start", "label", "problem"} | set(fields)
        for key in raw:
            if key not in allowed:
                raise ParameterError(
                    f"{where} has unknown field {key!r}.{did_you_mean(key, allowed)} "
                    f"Allowed: {', '.join(sorted(allowed))}."
                )
        if "start" not in raw or (needs_end and "end" not in raw):
            raise ParameterError(f"{where} needs a 'start'" + (" and an 'end' date." if needs_end
                                                               else " date."))
        event = {"label": str(raw.get("label", name)), "start": _check_date(f"{where}.start",
                                                                               raw["start"])}
        if needs_end:
            event["end"] = _check_date(f"{where}.end", raw["end"])
            if event["end"] <= event["start"]:
                raise ParameterError(f"{where}.end = {event['end']} must be after its start "
                                     f"{event['start']}.")
        for key, (default, low, high, _) in fields.items():
            event[key] = _check_number(f"{where}.{key}", raw.get(key, default), low, high, False)
        if not needs_end:
            event["problem"] = int(_check_number(f"{where}.problem", raw.get("problem", -1),
                                                 -1, 31, True))
        events.append(event)
    return events


STRUCTURED_DEFAULTS: dict[str, Any] = {
    "category_shares": CATEGORY_SHARES_DEFAULT,
    "start_date": DEFAULT_START_DATE,
    "shocks": [],
    "programmes": [],
}
"""Non-scalar parameters: population mix, calendar origin and scenario events."""


def defaults() -> dict[str, Any]:
    """All parameters at their default values."""
    values: dict[str, Any] = {name: p.default for name, p in PARAMETERS.items()}
    values.update({k: (dict(v) if isinstance(v, dict) else v) for k, v in
                   STRUCTURED_DEFAULTS.items()})
    return values


def validate(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Merge ``overrides`` into the defaults and check every value.

    Raises ParameterError naming the parameter, the value and what is allowed;
    unknown names get the closest valid name suggested.
    """
    values = defaults()
    for name, value in (overrides or {}).items():
        if name in PARAMETERS:
            p = PARAMETERS[name]
            values[name] = _check_choice(p, value) if p.choices else \
                _check_number(name, value, p.low, p.high, p.integer)
        elif name == "category_shares":
            values[name] = _check_category_shares(value)
        elif name == "start_date":
            values[name] = _check_monday(name, value)
        elif name == "shocks":
            values[name] = _check_events(name, value, SHOCK_FIELDS, needs_end=True)
        elif name == "programmes":
            values[name] = _check_events(name, value, PROGRAMME_FIELDS, needs_end=False)
        else:
            known = list(PARAMETERS) + list(STRUCTURED_DEFAULTS)
            raise ParameterError(
                f"Unknown parameter {name!r}.{did_you_mean(name, known)} "
                "See reve_sim.parameters.PARAMETERS for the full list."
            )
    for i, prog in enumerate(values["programmes"]):
        if prog["problem"] >= values["n_problems"]:
            raise ParameterError(
                f"programmes[{i}].problem = {prog['problem']} is out of bounds; "
                f"allowed: -1 (any) to {values['n_problems'] - 1}."
            )
    return values


def problem_names(k: int) -> list[str]:
    """Names of the K shared problems."""
    return list(PROBLEMS[:k]) + [f"problem_{i}" for i in range(len(PROBLEMS), k)]
