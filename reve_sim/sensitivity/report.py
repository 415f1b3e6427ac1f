"""The one-page report of a study: Markdown and self-contained HTML (figures embedded),
tables of indices (CSV too), the convergence verdict and a paragraph generated from the
numbers."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np

from .checks import index_warnings
from .convergence import verdict
from .figures import outcome_name, param_label, short_commit


def table(result: dict, lang: str = "en"):
    """Indices as a DataFrame, most influential first."""
    import pandas as pd

    names = result["names"]
    df = pd.DataFrame({"parameter": names,
                       "label": [param_label(n, lang) for n in names]})
    half = (1 - result["conf_level"]) / 2
    lo, hi = f"{100 * half:g}%", f"{100 * (1 - half):g}%"
    if result["method"] == "sobol":
        for k in ("ST", "S1"):
            v, c = np.asarray(result[k]), np.asarray(result[k + "_conf"])
            df[k], df[f"{k} {lo}"], df[f"{k} {hi}"] = v, v - c, v + c
        df = df.sort_values("ST", ascending=False)
    else:
        df["mu_star"] = result["mu_star"]
        v, c = np.asarray(result["mu_star"]), np.asarray(result["mu_star_conf"])
        df[f"mu_star {lo}"], df[f"mu_star {hi}"] = v - c, v + c
        df["mu"] = result["mu"]
        df["sigma"] = result["sigma"]
        df = df.sort_values("mu_star", ascending=False)
    return df.reset_index(drop=True)


def _is_lever(name: str) -> bool:
    from ..parameters import PARAMETERS

    return name in PARAMETERS and PARAMETERS[name].group == "lever"


def sentence(result: dict, outcome: str, lang: str = "en", k: int = 3) -> str:
    """A paragraph generated from the numbers, naming the top factors and the top levers."""
    df = table(result, lang)
    level = round(100 * result["conf_level"])
    oname = outcome_name(outcome, lang).lower() if lang == "en" else \
        outcome_name(outcome, lang)
    cols = list(df.columns)
    key = "ST" if result["method"] == "sobol" else "mu_star"
    lo_col, hi_col = [c for c in cols if c.startswith(key + " ")][:2]

    def describe(row) -> str:
        sym = "ST" if key == "ST" else "μ*"
        ci = "IC" if lang == "fr" else "CI"
        return (f"{row['label']} ({sym} = {row[key]:.2f}, {ci} {level} % {row[lo_col]:.2f} à "
                f"{row[hi_col]:.2f})" if lang == "fr" else
                f"{row['label']} ({sym} = {row[key]:.2f}, {level}% {ci} {row[lo_col]:.2f} to "
                f"{row[hi_col]:.2f})")

    top = [describe(r) for _, r in df.head(k).iterrows()]
    levers = df[[_is_lever(n) for n in df["parameter"]]]
    lever_text = [describe(r) for _, r in levers.head(k).iterrows()]
    if result["method"] == "sobol":
        if lang == "fr":
            text = (f"Les {len(top)} facteurs qui expliquent le plus la variance de « {oname} » "
                    f"(effets totaux, interactions comprises) sont : {'; '.join(top)}.")
            if lever_text:
                text += f" Parmi les leviers : {'; '.join(lever_text)}."
        else:
            text = (f"The {len(top)} factors that explain most of the variance of {oname} "
                    f"(total effects, interactions included) are {'; '.join(top)}.")
            if lever_text:
                text += f" Among the levers, the most influential are {'; '.join(lever_text)}."
        s1sum = float(np.sum(result["S1"]))
        few = "peu" if s1sum > 0.8 else "une part notable"
        text += (f" La somme des S1 vaut {s1sum:.2f} : {few} d'interactions." if lang == "fr"
                 else
                 f" The first-order indices sum to {s1sum:.2f}, so "
                 f"{'interactions are small' if s1sum > 0.8 else 'interactions matter'}.")
    else:
        largest = float(df["mu_star"].max()) or 1.0
        inert = [r["label"] for _, r in df.iterrows() if r["mu_star"] < 0.05 * largest]
        if lang == "fr":
            text = (f"Les {len(top)} facteurs aux plus grands effets sur « {oname} » sont : "
                    f"{'; '.join(top)}.")
            if lever_text:
                text += f" Parmi les leviers : {'; '.join(lever_text)}."
            if inert:
                text += (f" Effets négligeables (μ* < 5 % du plus grand) : {', '.join(inert)}.")
        else:
            text = (f"The {len(top)} factors with the largest effects on {oname} are "
                    f"{'; '.join(top)}.")
            if lever_text:
                text += f" Among the levers, the largest effects are {'; '.join(lever_text)}."
            if inert:
                text += (f" Negligible effects (μ* below 5% of the largest): "
                         f"{', '.join(inert)}; they can be fixed in a Sobol study.")
    return text


def md_table(df) -> str:
    """A DataFrame as a Markdown table (no extra dependency)."""
    def cell(v) -> str:
        if isinstance(v, float):
            return f"{v:.3f}"
        return str(v).replace("|", "/")

    lines = ["| " + " | ".join(map(str, df.columns)) + " |",
             "|" + "|".join("---" for _ in df.columns) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in df.itertuples(index=False)]
    return "\n".join(lines)


def _img_md(path: Path, base: Path) -> str:
    return f"![{path.stem}]({path.relative_to(base).as_posix()})"


def write(out: Path, study: dict, facts: dict, sections: list[dict], discovery: dict | None,
          lang: str = "en") -> tuple[Path, Path]:
    """``report[_fr].md`` and ``report[_fr].html`` in ``out``. ``sections``: one per outcome
    with ``outcome``, ``result``, ``convergence``, ``figures`` (PNG paths), ``csv`` or
    ``error`` (the analysis refused)."""
    suffix = "" if lang == "en" else "_fr"
    fr = lang == "fr"
    title = study.get("title_fr" if fr else "title_en") or study["name"]
    md = [f"# {title}", "",
          f"*{'Étude' if fr else 'Study'} `{study['name']}` · {facts['method']} · N = "
          f"{facts['N']} · {facts['replicates']} {'réplications' if fr else 'replicates'} "
          f"({'graines communes' if fr else 'common seeds'}) · {facts['n_runs']} "
          f"{'simulations' if fr else 'runs'} · {'scénario' if fr else 'scenario'} "
          f"`{study['scenario']}`, {'taille' if fr else 'size'} `{study['size']}` · reve-sim "
          f"{facts['version']} ({short_commit(facts['commit'])}) · {facts['date']}*", "",
          f"{'Commande' if fr else 'Command'}: `{facts['command']}`", ""]
    if study.get("question"):
        md += [f"**{'Question' if fr else 'Question'}.** {study['question']}", ""]
    for sec in sections:
        md += [f"## {outcome_name(sec['outcome'], lang)}", ""]
        if sec.get("error"):
            md += [f"**{'Analyse refusée' if fr else 'Analysis refused'}:** {sec['error']}", ""]
            continue
        res = sec["result"]
        md += [sec["sentence"], ""]
        conv = sec["convergence"]
        md += [f"**Convergence :** {verdict(conv, 'fr')}" if fr else
               f"**Convergence:** {conv['verdict']}", ""]
        noise = res.get("noise") or {}
        if noise.get("share_of_mean") is not None:
            md += [(f"**{'Bruit' if fr else 'Noise'}:** "
                    + (f"le hasard (graine) représente {noise['share_of_single_run']:.0%} de la "
                       f"variance d'une simulation et {noise['share_of_mean']:.1%} de celle de la "
                       f"moyenne analysée ({res['replicates']} réplications)." if fr else
                       f"chance (the seed) is {noise['share_of_single_run']:.0%} of the variance "
                       f"of one run and {noise['share_of_mean']:.1%} of the variance of the "
                       f"analysed mean ({res['replicates']} replicates).")), ""]
        notes = index_warnings(res["method"], res["N"], res, res["names"], lang=lang)
        if notes:
            md += [f"**{'Avertissements' if fr else 'Warnings'}:**", ""]
            md += [f"- {w}" for w in notes] + [""]
        md += [_img_md(p, out) for p in sec["figures"]] + [""]
        df = sec["table"]
        shown = df.drop(columns=["parameter"]).round(3)
        md += [md_table(shown), "",
               f"CSV: `{sec['csv'].relative_to(out).as_posix()}`", ""]
    if discovery:
        md += [f"## {'Découverte de scénarios (PRIM)' if fr else 'Scenario discovery (PRIM)'}",
               "", discovery["description"], ""]
        md += [_img_md(p, out) for p in discovery["figures"]] + [""]
        if discovery.get("table") is not None:
            md += [md_table(discovery["table"]), ""]
    md_path = out / f"report{suffix}.md"
    md_path.write_text("\n".join(md), encoding="utf-8")
    html_path = out / f"report{suffix}.html"
    html_path.write_text(_html("\n".join(md), out, title), encoding="utf-8")
    return md_path, html_path


def _html(markdown: str, base: Path, title: str) -> str:
    """A small Markdown-to-HTML conversion with the PNGs embedded (self-contained)."""
    import re

    body, in_table, in_list = [], False, False
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if set("".join(cells)) <= set("-: "):
                continue
            if not in_table:
                body.append("<table>")
                in_table = True
                body.append("<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cells)
                            + "</tr>")
            else:
                body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells)
                            + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("- "):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append(f"<li>{_inline(line[2:])}</li>")
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        m = re.match(r"!\[(.*?)\]\((.*?)\)", line)
        if m:
            data = base64.b64encode((base / m.group(2)).read_bytes()).decode()
            body.append(f'<figure><img alt="{html.escape(m.group(1))}" '
                        f'src="data:image/png;base64,{data}"></figure>')
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.strip():
            body.append(f"<p>{_inline(line)}</p>")
    if in_table:
        body.append("</table>")
    if in_list:
        body.append("</ul>")
    style = ("body{font-family:sans-serif;max-width:52em;margin:2em auto;line-height:1.4;"
             "color:#222}img{max-width:100%}table{border-collapse:collapse;font-size:.85em}"
             "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}"
             "td:first-child,th:first-child{text-align:left}code{background:#f3f3f3}")
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title><style>{style}</style></head><body>\n" + "\n".join(body)
            + "\n</body></html>\n")


def _inline(text: str) -> str:
    import re

    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    text = re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)
    return text
