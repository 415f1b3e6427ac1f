"""French and English labels of metrics, outcomes and categories (figures, app, reports)."""

from __future__ import annotations

from .parameters import CATEGORIES

LANGS = ("en", "fr")

CATEGORY_LABELS = {
    "teacher": ("Teachers", "Enseignants"),
    "school_leader": ("School leaders", "Chefs d'établissement"),
    "support_staff": ("Support operator staff", "Personnels de l'opérateur d'appui"),
    "researcher": ("Researchers", "Chercheurs"),
    "edtech": ("EdTech companies", "Entreprises EdTech"),
    "association": ("Associations", "Associations"),
    "local_authority": ("Local authorities", "Collectivités territoriales"),
    "family": ("Families", "Familles"),
}

METRIC_LABELS = {
    "engaged_actors": ("Actors in an active collective", "Acteurs dans un collectif actif"),
    "memberships": ("Memberships", "Adhésions"),
    "active_collectives": ("Active collectives", "Collectifs actifs"),
    "dormant_collectives": ("Dormant collectives", "Collectifs en sommeil"),
    "births": ("New collectives", "Nouveaux collectifs"),
    "deaths": ("Dissolved collectives", "Collectifs dissous"),
    "joins": ("Joins", "Adhésions nouvelles"),
    "exits": ("Departures", "Départs"),
    "mean_size": ("Mean size", "Taille moyenne"),
    "max_size": ("Largest collective", "Plus grand collectif"),
    "contributor_share": ("Members contributing this week", "Membres contribuant cette semaine"),
    "ever_contributed_share": ("Members who ever contributed", "Membres ayant déjà contribué"),
    "top1_share": ("Share of the top 1% of members", "Part du 1 % des membres le plus actif"),
    "gini_contributions": ("Gini of contributions", "Gini des contributions"),
    "mean_categories": ("Categories per collective", "Catégories par collectif"),
    "heterogeneous_share": ("Mixed collectives", "Collectifs hétérogènes"),
    "boundary_spanners": ("Boundary spanners", "Passeurs de frontières"),
    "ecosystems": ("Innovation ecosystems", "Écosystèmes d'innovation"),
    "largest_ecosystem_collectives": ("Collectives in the largest ecosystem",
                                      "Collectifs du plus grand écosystème"),
    "largest_ecosystem_categories": ("Categories in the largest ecosystem",
                                     "Catégories du plus grand écosystème"),
    "activity_hours": ("Hours contributed per week", "Heures contribuées par semaine"),
    "knowledge_produced": ("Knowledge produced", "Savoirs produits"),
    "knowledge_stock": ("Knowledge stock", "Stock de savoirs"),
    "mean_need": ("Need for support", "Besoin d'appui"),
    "mean_anxiety": ("Anxiety", "Anxiété"),
    "mean_efficacy": ("Efficacy", "Efficacité"),
    "efficacy_networked": ("Efficacy, in collectives", "Efficacité, en collectif"),
    "efficacy_isolated": ("Efficacy, isolated", "Efficacité, isolés"),
    "mean_engagement": ("Engagement", "Engagement"),
}

TEXT = {
    "week": ("Week", "Semaine"),
    "actors": ("Actors", "Acteurs"),
    "collectives": ("Collectives", "Collectifs"),
    "level": ("Level (0-1)", "Niveau (0-1)"),
    "shock": ("Shock", "Choc"),
    "holidays": ("School holidays", "Vacances scolaires"),
    "engagement_title": ("Who takes part", "Qui participe"),
    "collectives_title": ("Collectives", "Collectifs"),
    "ecosystems_title": ("Innovation ecosystems", "Écosystèmes d'innovation"),
    "wellbeing_title": ("Anxiety and efficacy", "Anxiété et efficacité"),
    "not_observed": ("not observed in this run (its outcomes= did not need it)",
                     "non observé dans cette simulation (ses outcomes= n'en avaient pas besoin)"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang = {lang!r} is not supported; use one of {LANGS}.")
    return pair[LANGS.index(lang)]


def metric_label(name: str, lang: str = "en") -> str:
    if name.startswith("engaged_") and name[len("engaged_"):] in CATEGORIES:
        return _pick(CATEGORY_LABELS[name[len("engaged_"):]], lang)
    return _pick(METRIC_LABELS[name], lang)


def category_label(name: str, lang: str = "en") -> str:
    return _pick(CATEGORY_LABELS[name], lang)


def text(key: str, lang: str = "en") -> str:
    return _pick(TEXT[key], lang)


# --- collectives, scenario events and network figures (app, replay exports) ------------

PROBLEM_LABELS = {
    "remote_teaching": ("Remote teaching", "Enseignement à distance"),
    "inclusion": ("Inclusion", "Inclusion"),
    "digital_skills": ("Digital skills", "Compétences numériques"),
    "assessment": ("Assessment", "Évaluation"),
    "well_being": ("Well-being", "Bien-être"),
    "school_family_link": ("School and families", "Lien école-familles"),
}

EVENT_LABELS = {
    # labels used by the shipped scenarios (configs/scenario/*.yaml); others are shown as is
    "school closure": ("Lockdown: schools closed", "Confinement : écoles fermées"),
    "partial reopening": ("Partial reopening", "Réouverture partielle"),
    "second lockdown, schools open": ("Second lockdown, schools open",
                                      "Second confinement, écoles ouvertes"),
    "programme call": ("Programme call", "Appel à projets"),
    "rentree": ("Rentrée", "Rentrée"),
    "funding_end": ("Funding ends", "Fin des financements"),
}

TEXT.update({
    "network_title": ("Collectives and shared members", "Collectifs et membres partagés"),
    "members": ("members", "membres"),
    "shared_members": ("shared members", "membres partagés"),
    "dormant": ("dormant", "en sommeil"),
    "dissolved": ("dissolved", "dissous"),
    "now": ("now", "maintenant"),
    "provenance": ("Provenance", "Provenance"),
})


def problem_label(name: str, lang: str = "en") -> str:
    """Readable name of a shared problem (generic names such as ``problem_7`` are kept)."""
    if name in PROBLEM_LABELS:
        return _pick(PROBLEM_LABELS[name], lang)
    return name.replace("problem_", "Problème " if lang == "fr" else "Problem ")


def event_label(label: str, lang: str = "en") -> str:
    """Readable label of a scenario event (shock, programme, calendar marker)."""
    return _pick(EVENT_LABELS[label], lang) if label in EVENT_LABELS else label


# --- per-run outcomes and sweep comparisons (reve-sim-compare) ---------------------------

OUTCOME_LABELS = {
    "n_collectives_preexisting": ("Pre-existing collectives", "Collectifs préexistants"),
    "n_collectives_emergent": ("Emergent collectives", "Collectifs émergents"),
    "n_collectives_institutional": ("Funded collectives", "Collectifs financés"),
    "median_lifetime_preexisting": ("Median lifetime, pre-existing (weeks)",
                                    "Durée de vie médiane, préexistants (semaines)"),
    "median_lifetime_emergent": ("Median lifetime, emergent (weeks)",
                                 "Durée de vie médiane, émergents (semaines)"),
    "median_lifetime_institutional": ("Median lifetime, funded (weeks)",
                                      "Durée de vie médiane, financés (semaines)"),
    "new_inactive_within_quarter": ("New collectives inactive within a quarter",
                                    "Nouveaux collectifs inactifs en un trimestre"),
    "ecosystem_weeks": ("Weeks with an ecosystem", "Semaines avec un écosystème"),
    "ecosystem_share": ("Share of weeks with an ecosystem",
                        "Part des semaines avec un écosystème"),
    "final_ecosystems": ("Ecosystems at the end", "Écosystèmes à la fin"),
    "final_active_collectives": ("Active collectives at the end", "Collectifs actifs à la fin"),
    "final_engaged_share": ("Share of actors engaged at the end",
                            "Part des acteurs engagés à la fin"),
    "mean_gini": ("Mean Gini of contributions", "Gini moyen des contributions"),
    "retention_quarter": ("Members still there after a quarter",
                          "Membres encore là après un trimestre"),
    "retention_1y": ("Members still there after a year", "Membres encore là après un an"),
    "retention_2y": ("Members still there after two years",
                     "Membres encore là après deux ans"),
    "retention_3y": ("Members still there after three years",
                     "Membres encore là après trois ans"),
    "shock_drop_depth": ("Drop of engagement in the shock",
                         "Chute de l'engagement pendant le choc"),
    "shock_recovery_weeks": ("Weeks to recover from the shock",
                             "Semaines pour se remettre du choc"),
    "shock_join_surge": ("Surge of joining in the shock", "Afflux d'adhésions pendant le choc"),
    "shock_efficacy_gap": ("Efficacy gap, networked minus isolated",
                           "Écart d'efficacité, en collectif moins isolés"),
}

TEXT.update({
    "mean_band": ("mean and {band}% band over seeds", "moyenne et bande à {band} % entre graines"),
    "difference": ("difference from {ref}, paired by seed ({level}% CI)",
                   "écart à {ref}, apparié par graine (IC à {level} %)"),
    "outcomes_title": ("Outcomes by condition", "Résultats par condition"),
    "weekly_title": ("Weekly course by condition", "Évolution hebdomadaire par condition"),
    "reference": ("reference", "référence"),
    "runs": ("runs", "simulations"),
})


def outcome_label(name: str, lang: str = "en") -> str:
    """Readable name of a per-run outcome (reve_sim.metrics.summarise); unknown names as is."""
    return _pick(OUTCOME_LABELS[name], lang) if name in OUTCOME_LABELS else name


UNITS_FR = {
    "0-1": "0-1", "1/h": "1/h", "1/satisfaction": "1/satisfaction", "1/week": "1/semaine",
    "1/year": "1/an", "actors": "acteurs", "benefit": "bénéfice", "categories": "catégories",
    "choice": "choix", "collectives": "collectifs",
    "collectives/1000 actors": "collectifs/1000 acteurs", "contributors": "contributeurs",
    "h/week": "h/semaine", "members": "membres", "probability": "probabilité",
    "problems": "problèmes", "regions": "territoires", "sd of log": "écart-type du log",
    "sd of logit": "écart-type du logit", "share": "part", "staff": "personnels",
    "ties": "liens", "units/h": "unités/h", "weeks": "semaines", "x": "×",
}
"""French of every unit of the parameter schema (reve_sim.parameters), which is English."""


def unit_label(unit: str, lang: str = "en") -> str:
    """A parameter's unit in ``lang`` (units not listed stay as they are)."""
    return UNITS_FR.get(unit, unit) if lang == "fr" else unit
