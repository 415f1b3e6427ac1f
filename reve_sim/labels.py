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
