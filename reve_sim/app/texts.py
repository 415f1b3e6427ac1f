"""Words of the workshop app's interface, in French (default) and English.

Figure labels live in ``reve_sim.labels``; this table holds the page's own words:
buttons, headings, help and the messages of the guard rails.
"""

from __future__ import annotations

LANGS = ("fr", "en")
DEFAULT_LANG = "fr"

UI: dict[str, tuple[str, str]] = {
    # key: (fr, en)
    "app_title": ("reve-sim · atelier", "reve-sim · workshop"),
    "language": ("English", "Français"),  # the switch shows the *other* language
    "tab_live": ("Simulation", "Simulation"),
    "tab_compare": ("Comparer deux scénarios", "Compare two scenarios"),
    "tab_replay": ("Revoir une simulation", "Replay a saved run"),
    "scenario": ("Scénario", "Scenario"),
    "levers": ("Leviers", "Levers"),
    "seed": ("Graine (tirage aléatoire)", "Seed (random draw)"),
    "seed_help": ("Même graine = même tirage : deux scénarios ne diffèrent que par ce qui "
                  "les distingue.",
                  "Same seed = same draw: two scenarios differ only where they differ."),
    "size": ("Nombre d'acteurs", "Number of actors"),
    "speed": ("Vitesse", "Speed"),
    "speed_help": ("1 = une semaine par seconde, 5 = aussi vite que possible",
                   "1 = one week per second, 5 = as fast as possible"),
    "play": ("Lecture", "Play"),
    "pause": ("Pause", "Pause"),
    "step": ("Semaine suivante", "Next week"),
    "step4": ("+4 semaines", "+4 weeks"),
    "reset": ("Recommencer", "Restart"),
    "apply": ("Appliquer et recommencer", "Apply and restart"),
    "save": ("Enregistrer cette simulation", "Save this run"),
    "saved": ("Simulation enregistrée dans {path}", "Run saved to {path}"),
    "week_status": ("Semaine {week} · {date} · {done} / {horizon} semaines simulées",
                    "Week {week} · {date} · {done} / {horizon} weeks simulated"),
    "not_started": ("Pas encore commencé : {horizon} semaines à simuler à partir du {date}",
                    "Not started: {horizon} weeks to simulate from {date}"),
    "finished": ("Fin du scénario ({horizon} semaines).", "End of the scenario ({horizon} weeks)."),
    "question": ("Question", "Question"),
    "network": ("Réseau des collectifs", "Network of collectives"),
    "curves": ("Indicateurs", "Indicators"),
    "events": ("Journal des événements", "Event log"),
    "no_events": ("Rien de notable pour l'instant.", "Nothing notable yet."),
    "markers": ("Repères du scénario", "Scenario markers"),
    "levers_changed": ("Leviers modifiés : cliquez « Appliquer et recommencer ».",
                       "Levers changed: click “Apply and restart”."),
    "compare_a": ("Scénario A", "Scenario A"),
    "compare_b": ("Scénario B", "Scenario B"),
    "compare_run": ("Simuler les deux", "Run both"),
    "compare_help": ("Les deux scénarios sont simulés avec la même graine et la même taille "
                     "(nombre d'acteurs et graine de l'onglet Simulation) : les écarts "
                     "viennent du scénario, pas du hasard.",
                     "Both scenarios run with the same seed and size (those of the "
                     "Simulation tab): differences come from the scenario, not from chance."),
    "compare_week": ("Semaine affichée", "Week shown"),
    "compare_table": ("À la fin : B comparé à A", "At the end: B compared with A"),
    "running": ("Calcul en cours…", "Computing…"),
    "replay_folder": ("Dossier de résultats", "Results folder"),
    "replay_pick": ("Simulations enregistrées", "Saved runs"),
    "replay_open": ("Ouvrir", "Open"),
    "replay_none": ("Aucune simulation enregistrée dans {root}. Lancez « make run » ou "
                    "enregistrez une simulation depuis l'onglet Simulation.",
                    "No saved run in {root}. Run “make run” or save a run from the "
                    "Simulation tab."),
    "replay_check_ok": ("Rejouée et vérifiée : les {weeks} semaines recalculées sont "
                        "identiques au fichier weekly.parquet.",
                        "Replayed and checked: the {weeks} recomputed weeks match "
                        "weekly.parquet exactly."),
    "replay_check_bad": ("Attention : la simulation rejouée diffère du fichier enregistré "
                         "({detail}). Le code a sans doute changé depuis ; la version "
                         "rejouée est affichée.",
                         "Warning: the replayed run differs from the saved file ({detail}). "
                         "The code has probably changed since; the replayed run is shown."),
    "replay_week": ("Semaine", "Week"),
    "error_title": ("Un problème est survenu", "Something went wrong"),
    "error_what": ("Ce qu'il faut faire : cliquez « Recommencer » ; si le problème revient, "
                   "revenez aux valeurs du scénario (choisissez-le à nouveau) ou réduisez le "
                   "nombre d'acteurs. Signalez le message ci-dessous à l'équipe reve-sim.",
                   "What to do: click “Restart”; if it happens again, go back to the "
                   "scenario's values (pick it again) or lower the number of actors. Report "
                   "the message below to the reve-sim team."),
    "slow_stop": ("Lecture arrêtée : une semaine a pris {seconds:.0f} s. Réduisez le nombre "
                  "d'acteurs.", "Playing stopped: one week took {seconds:.0f} s. Lower the "
                  "number of actors."),
    "time_limit": ("Calcul arrêté après {seconds:.0f} s (limite de l'atelier) à la semaine "
                   "{week}.", "Computation stopped after {seconds:.0f} s (workshop limit) at "
                   "week {week}."),
    "corrections": ("Corrections appliquées", "Corrections made"),
    # guard-rail notes
    "note_clipped": ("{label} : {value} est hors des bornes ({low} à {high}) ; {new} est "
                     "utilisé.", "{label}: {value} is out of bounds ({low} to {high}); {new} "
                     "is used."),
    "note_not_number": ("{label} : « {value} » n'est pas un nombre ; {default} est utilisé.",
                        "{label}: “{value}” is not a number; {default} is used."),
    "note_scenario": ("Scénario « {value} » inconnu ; « {default} » est utilisé.",
                      "Unknown scenario “{value}”; “{default}” is used."),
    "note_seed": ("Graine : « {value} » n'est pas un nombre entier ; {new} est utilisée.",
                  "Seed: “{value}” is not a whole number; {new} is used."),
    "note_size_text": ("Nombre d'acteurs : « {value} » n'est pas un nombre ; {new} est "
                       "utilisé.", "Number of actors: “{value}” is not a number; {new} is "
                       "used."),
    "note_size": ("Nombre d'acteurs : {value} est hors des limites de l'atelier ({low} à "
                  "{high}) ; {new} est utilisé.", "Number of actors: {value} is outside the "
                  "workshop limits ({low} to {high}); {new} is used."),
    "note_weeks": ("Durée : {value} semaines dépasse la limite de l'atelier ({high}) ; {new} "
                   "semaines sont simulées.", "Duration: {value} weeks is beyond the "
                   "workshop limit ({high}); {new} weeks are simulated."),
    "note_not_lever": ("« {name} » n'est pas un levier ; ignoré.",
                       "“{name}” is not a lever; ignored."),
    "note_refused": ("Le modèle refuse cette combinaison ({error}) ; les leviers du scénario "
                     "sont utilisés.", "The model refuses this combination ({error}); the "
                     "scenario's levers are used."),
    "outcome": ("Indicateur", "Indicator"),
    "difference": ("B − A", "B − A"),
}


def t(key: str, lang: str = DEFAULT_LANG) -> str:
    """The interface text ``key`` in ``lang`` (``fr`` or ``en``)."""
    fr, en = UI[key]
    return fr if lang == "fr" else en


LEVER_HELP_FR: dict[str, str] = {
    "release_time": "Heures hebdomadaires en plus pour les enseignants engagés (≥ 0,5) dans "
                    "un collectif.",
    "recognition": "Bénéfice tiré de sa contribution grâce à la reconnaissance (carrière, "
                   "temps, visibilité).",
    "animation": "Part des collectifs dont l'animateur est soutenu (formé, doté de temps).",
    "brokerage": "Probabilité par semaine que l'opérateur d'appui propose un collectif "
                 "adapté à un acteur qui cherche.",
    "discoverability": "Probabilité par semaine qu'un acteur qui cherche découvre en ligne un "
                       "collectif ouvert (choisi selon sa taille).",
    "funding_duration": "Semaines pendant lesquelles un programme finance un collectif "
                        "institutionnel.",
    "funding_renewal": "Probabilité que le financement soit renouvelé à chaque échéance.",
    "heterogeneity_incentive": "Bénéfice supplémentaire de complémentarité pour les "
                               "collectifs interprofessionnels.",
    "network_density": "Multiplicateur des collectifs et des liens entre pairs présents au "
                       "départ.",
}
"""French help of the levers (the schema's descriptions are in English)."""


def lever_help(name: str, lang: str = DEFAULT_LANG) -> str:
    from ..parameters import PARAMETERS

    if lang == "fr" and name in LEVER_HELP_FR:
        return LEVER_HELP_FR[name]
    return PARAMETERS[name].description
