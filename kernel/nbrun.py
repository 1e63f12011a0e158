"""Executes gankit notebooks headless with the "Rust (gankit)" kernel and checks them.

    nbrun.py run  --out DIR NOTEBOOK...   the main job: executed notebooks (signed, so JupyterLab
                                         trusts their outputs), HTML exports that need no network
                                         (maths as MathML, long lines wrapped) and every figure
                                         (PNG, GIF, JPEG, SVG) under DIR
    nbrun.py test NOTEBOOK...             the notebook tests (GANKIT_MODE=smoke): every notebook
                                         must pass; the broken fixtures in tests/fixtures must
                                         fail for the reason they declare; two kernels must run
                                         at once, each in its own build directory

A notebook fails when a cell errors, when an output holds an error, a Rust panic or anything on
stderr (evcxr reports a panic and an error returned by `?` only there; tag a cell
`allow-stderr` to permit it), when a cell tagged `figure` produces no image, or when a cell shows
`()` (its last expression is a `for` loop or a call returning nothing: end it with `;`).
Failures name the notebook, the cell and the error.

A test fixture (tests/fixtures) declares in metadata.gankit what it must do: `expect_failure`
(a piece of the failure message) or `expect_pass: true`, and optionally `expect_output` /
`expect_no_output`: texts its outputs must hold / must not hold.
"""
import argparse
import base64
import concurrent.futures
import json
import os
import re
import sys
import time

import asyncio
import queue

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError, CellTimeoutError, DeadKernelError

KERNEL = "gankit"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
FIXTURES = os.path.join(REPO, "tests", "fixtures")
CELL_TIMEOUT = int(os.environ.get("GANKIT_CELL_TIMEOUT", "1800"))
PANIC = re.compile(r"panicked at|thread '.*' panicked")
# Figures embedded in an HTML output (Html::side_by_side, Scrubber): data-URI images.
EMBEDDED_IMAGE = re.compile(r'<img\b[^>]*\bsrc="data:image/(png|gif|jpeg);base64,([A-Za-z0-9+/=]+)"')


def figures_in(data):
    """The figures of one output's data as (extension, bytes): its image parts, or else the
    data-URI images of its HTML."""
    found = []
    for mime, ext in FIGURE_FILES.items():
        if mime in data:
            payload = data[mime]
            if isinstance(payload, list):
                payload = "".join(payload)
            found.append((ext, payload.encode() if mime == "image/svg+xml" else base64.b64decode(payload)))
    if not found and "text/html" in data:
        html = data["text/html"]
        if isinstance(html, list):
            html = "".join(html)
        found = [("jpg" if kind == "jpeg" else kind, base64.b64decode(b64)) for kind, b64 in EMBEDDED_IMAGE.findall(html)]
    return found
# Where `run` saves each kind of figure: figures/<notebook>/cellNN_K.<ext>.
FIGURE_FILES = {"image/png": "png", "image/gif": "gif", "image/jpeg": "jpg", "image/svg+xml": "svg"}

# The HTML export: nbconvert's JupyterLab template without what it loads from a CDN (MathJax,
# require.js, mermaid): the maths is turned into MathML here, which browsers draw themselves,
# so the page needs no network. Long output lines wrap instead of running past the cell.
EXPORT_TEMPLATE = """{%- extends 'index.html.j2' -%}
{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block extra_css -%}
<style type="text/css">
/* gankit: printed lines wrap inside the cell; formulas are MathML */
.jp-OutputArea-output pre, .jp-RenderedText pre { white-space: pre-wrap; overflow-wrap: anywhere; }
math { font-size: 1.1em; }
math[display="block"] { display: block; margin: 0.6em 0; }
.gankit-tex-error { color: #a00; }
</style>
{%- endblock extra_css -%}
"""


class GankitClient(NotebookClient):
    """nbclient, waiting a little for late outputs.

    evcxr forwards a cell's stdout/stderr lines on their own thread, so a line printed just
    before the cell ends (an error returned by `?`, a panic message) can reach Jupyter after
    the cell's `idle` status, where nbclient stops listening and drops it. This client keeps
    reading the cell's outputs for LATE_OUTPUT_GRACE seconds after `idle`.
    (Overrides nbclient 0.11's `_async_poll_output_msg`; nbclient is pinned.)
    """

    LATE_OUTPUT_GRACE = 0.25

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        await super()._async_poll_output_msg(parent_msg_id, cell, cell_index)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.LATE_OUTPUT_GRACE
        while (left := deadline - loop.time()) > 0:
            try:
                msg = await self.kc.iopub_channel.get_msg(timeout=left)
            except (queue.Empty, asyncio.TimeoutError, TimeoutError):
                return
            if msg["parent_header"].get("msg_id") == parent_msg_id and msg["msg_type"] != "status":
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    return


class NotebookFailure(Exception):
    """One line: notebook, cell, what went wrong."""


def first_line(text, limit=300):
    lines = [l.strip() for l in str(text).splitlines() if l.strip()]
    # Prefer the line that says what went wrong over a traceback's header.
    for l in lines:
        if re.search(r"error(\[E\d+\])?:|panicked at|GankitNotSetUp|gankit is not set up", l):
            return l[:limit]
    return (lines[-1] if lines else "(no message)")[:limit]


def cell_label(nb_path, index, cell):
    src = "".join(cell.get("source", "")).strip().splitlines()
    head = src[0][:60] if src else ""
    return f"{os.path.basename(nb_path)}, cell {index} ({head!r})"


def check_outputs(nb_path, nb):
    """Raises NotebookFailure for the first cell whose outputs show an error, a panic, text on
    stderr or a missing figure.

    evcxr marks neither a panic nor an error returned through `?` as a failed cell: it only
    prints them on stderr. So any stderr output fails a cell, unless the cell is tagged
    `allow-stderr`.
    """
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        tags = cell.get("metadata", {}).get("tags", [])
        images, stderr = 0, ""
        for out in cell.get("outputs", []):
            if out.output_type == "execute_result" and out.get("data", {}).get("text/plain", "").strip() == "()":
                raise NotebookFailure(f"{cell_label(nb_path, i, cell)}: shows `()`: its last expression is a `for` loop "
                                      "or a call that returns nothing, which evcxr prints; end the cell with `;`")
            if out.output_type == "error":
                raise NotebookFailure(f"{cell_label(nb_path, i, cell)}: {out.get('ename')}: {first_line(out.get('evalue', ''))}")
            if out.output_type == "stream" and out.get("name") == "stderr":
                stderr += out.get("text", "")
            if out.output_type in ("display_data", "execute_result"):
                images += len(figures_in(out.get("data", {})))
        lines = [l.strip() for l in stderr.splitlines() if l.strip()]
        panic = next((k for k, l in enumerate(lines) if PANIC.search(l)), None)
        if panic is not None:
            message = lines[panic + 1] if panic + 1 < len(lines) else ""
            raise NotebookFailure(f"{cell_label(nb_path, i, cell)}: panic: {message[:300]} ({lines[panic][:120]})")
        if lines and "allow-stderr" not in tags:
            raise NotebookFailure(f"{cell_label(nb_path, i, cell)}: error: {lines[0][:300]}")
        if "figure" in tags and images == 0:
            raise NotebookFailure(f"{cell_label(nb_path, i, cell)}: tagged `figure` but drew no image")


def execute(nb_path, env_extra=None):
    """Executes a notebook; returns (executed notebook, seconds, failure message or None)."""
    nb = nbformat.read(nb_path, as_version=4)
    for k, v in (env_extra or {}).items():
        os.environ[k] = v
    client = GankitClient(
        nb,
        kernel_name=KERNEL,
        timeout=CELL_TIMEOUT,
        allow_errors=False,
        record_timing=True,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(nb_path))}},
    )
    t0 = time.time()
    failure = None
    try:
        client.execute()
    except CellExecutionError as e:
        try:  # the error output names the cell and says what went wrong
            check_outputs(nb_path, nb)
            failure = f"{os.path.basename(nb_path)}: {first_line(getattr(e, 'evalue', '') or e)}"
        except NotebookFailure as f:
            failure = str(f)
    except CellTimeoutError as e:
        failure = f"{os.path.basename(nb_path)}: a cell ran past {CELL_TIMEOUT} s: {first_line(e)}"
    except DeadKernelError as e:
        failure = f"{os.path.basename(nb_path)}: the kernel died: {first_line(e)}"
    except Exception as e:  # kernel missing, bad JSON, ...
        failure = f"{os.path.basename(nb_path)}: {type(e).__name__}: {first_line(e)}"
    if failure is None:
        try:
            check_outputs(nb_path, nb)
        except NotebookFailure as e:
            failure = str(e)
    return nb, time.time() - t0, failure


FUNCTION_NAME = re.compile(r'(?<!<msub>)(?<!<msup>)(?<!<msubsup>)(<mi>(?:log|ln|exp|sin|cos|tan|tanh|max|min|arg|det|sup|inf|lim)</mi>)'
                           r'(?!<mo stretchy="false">&#x00028;|<mo>&#x00028;)')


def tex_to_mathml(tex, display):
    """MathML for a TeX formula (latex2mathml, installed by kernel/requirements.txt); the TeX
    itself, marked, if it cannot be converted or latex2mathml is missing."""
    import html

    try:
        from latex2mathml.converter import convert
    except ImportError:
        if not getattr(tex_to_mathml, "warned", False):
            tex_to_mathml.warned = True
            print("[gankit] warning: latex2mathml is not installed (run: bash kernel/gankit setup); "
                  "formulas stay as TeX in the HTML export", file=sys.stderr)
        convert = None
    try:
        mathml = convert(tex, display="block" if display else "inline") if convert else None
    except Exception:
        mathml = None
    if mathml is None:
        d = "$$" if display else "$"
        return f'<code class="gankit-tex-error">{d}{html.escape(tex)}{d}</code>'
    # TeX puts a thin space after a function name (\\log D); MathML leaves it to the font.
    mathml = FUNCTION_NAME.sub(r'\1<mspace width="0.1667em"></mspace>', mathml)
    # The namespace is implied in HTML; dropping it leaves the page without a single URL.
    return mathml.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "")


def exporter():
    """nbconvert's HTML exporter with EXPORT_TEMPLATE and the maths as MathML."""
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class MathMLRenderer(IPythonRenderer):
        def inline_math(self, body):
            return tex_to_mathml(body, display=False)

        def block_math(self, body):
            return tex_to_mathml(body, display=True)

        def latex_environment(self, name, body):
            return tex_to_mathml(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)

    class GankitExporter(HTMLExporter):
        @jinja2.pass_context
        def markdown2html(self, context, source):
            cell = context.get("cell", {})
            renderer = MathMLRenderer(
                escape=False,
                attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )
            return MarkdownWithMath(renderer=renderer).render(source)

    return GankitExporter(
        extra_loaders=[jinja2.DictLoader({"gankit_export.html.j2": EXPORT_TEMPLATE})],
        template_file="gankit_export.html.j2",
    )


def sign(nb):
    """Signs an executed notebook, as JupyterLab signs one it ran itself: opened in this user's
    JupyterLab, its outputs are trusted (their scripts run, e.g. a Scrubber's slider) instead
    of sanitised. The outputs are what this user's own code produced on this machine."""
    from nbformat.sign import NotebookNotary

    NotebookNotary().sign(nb)


def save_outputs(nb_path, nb, out_dir):
    """Writes the executed notebook (signed), its HTML export and its figures; returns the
    figure paths."""
    name = os.path.splitext(os.path.basename(nb_path))[0]
    os.makedirs(out_dir, exist_ok=True)
    nbformat.write(nb, os.path.join(out_dir, name + ".ipynb"))
    sign(nb)
    html, _ = exporter().from_notebook_node(
        nb, resources={"metadata": {"name": name, "path": os.path.dirname(os.path.abspath(nb_path))}})
    with open(os.path.join(out_dir, name + ".html"), "w") as f:
        f.write(html)
    fig_dir = os.path.join(out_dir, "figures", name)
    os.makedirs(fig_dir, exist_ok=True)
    paths = []
    for i, cell in enumerate(nb.cells):
        k = 0
        for out in cell.get("outputs", []):
            for ext, payload in figures_in(out.get("data", {})):
                k += 1
                p = os.path.join(fig_dir, f"cell{i:02d}_{k}.{ext}")
                with open(p, "wb") as f:
                    f.write(payload)
                paths.append(p)
    return paths


def cmd_run(args):
    mode = os.environ.get("GANKIT_MODE", "quick")
    out = os.path.abspath(args.out)
    os.environ.setdefault("GANKIT_OUT", os.path.join(out, "saved"))
    print(f"[gankit] executing {len(args.notebooks)} notebook(s) in {mode} mode into {out}", flush=True)
    failed = []
    for nb_path in args.notebooks:
        nb, secs, failure = execute(nb_path)
        figures = save_outputs(nb_path, nb, out)
        status = "ok" if failure is None else "FAILED"
        print(f"[gankit] {os.path.basename(nb_path)}: {status} in {secs:.0f} s, {len(figures)} figure(s)", flush=True)
        if failure:
            print(f"[gankit]   {failure}", flush=True)
            failed.append(nb_path)
    print(f"[gankit] executed notebooks and HTML: {out}")
    print(f"[gankit] figures as PNG: {os.path.join(out, 'figures')}")
    print(f"[gankit] files the notebooks saved: {os.environ['GANKIT_OUT']}")
    print(f"notebooks: {len(args.notebooks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def fixture_metadata(nb_path):
    return nbformat.read(nb_path, as_version=4).metadata.get("gankit", {})


def output_text(nb):
    """Everything a notebook's outputs say: streams, errors and every text-like MIME type."""
    parts = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            parts.append(out.get("text", ""))
            parts += [out.get("ename", ""), out.get("evalue", "")] + list(out.get("traceback", []))
            for mime, v in out.get("data", {}).items():
                if mime.startswith("text/"):
                    parts.append("".join(v) if isinstance(v, list) else v)
    return "\n".join(parts)


def check_expected_output(nb, meta):
    """The fixture's `expect_output` / `expect_no_output` checks; a message or None."""
    text = output_text(nb)
    for want in meta.get("expect_output", []):
        if want not in text:
            return f"its outputs do not hold {want!r}"
    for unwanted in meta.get("expect_no_output", []):
        if unwanted in text:
            line = next(l for l in text.splitlines() if unwanted in l)
            return f"its outputs hold {unwanted!r}: {line.strip()[:200]!r}"
    return None


# A 1×1 GIF, for the export check.
TINY_GIF = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw=="


def check_export():
    """The HTML export needs no network (no CDN script, maths as MathML), wraps long lines, keeps
    GIFs in figures/, and the executed notebook is signed. A message or None; needs no kernel."""
    import tempfile

    from nbformat.sign import NotebookNotary

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Rust (gankit)", "language": "rust"}
    formulas = ["D(G(z))", "\\log(1 - D(G(z)))", "L_D = -\\mathbb{E}[\\log D(x_r)]"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(f"Inline ${formulas[0]}$ and ${formulas[1]}$, displayed:\n\n$${formulas[2]}$$"),
        nbformat.v4.new_code_cell("movie", outputs=[
            nbformat.v4.new_output("stream", name="stdout", text="x" * 2000 + "\n"),
            nbformat.v4.new_output("display_data", data={
                "text/html": f'<img src="data:image/gif;base64,{TINY_GIF}"/>', "image/gif": TINY_GIF}),
        ]),
    ]
    with tempfile.TemporaryDirectory() as out:
        path = os.path.join(out, "export_check.ipynb")
        figures = save_outputs(path, nb, out)
        html = open(os.path.join(out, "export_check.html")).read()
        external = re.findall(r'<(?:script|link|img)\b[^>]*\b(?:src|href)="((?:https?:)?//[^"]*)"', html)
        if external:
            return f"the HTML export loads {external[0]}"
        for word in ("cdnjs", "MathJax", "mathjax"):
            if word in html:
                return f"the HTML export still mentions {word}"
        if html.count("<math") != len(formulas) or "$D(G(z))$" in html or "&lt;math" in html:
            return f"expected {len(formulas)} formulas as MathML, found {html.count('<math')}"
        if 'display="block"' not in html:
            return "the displayed formula is not a MathML block"
        if "white-space: pre-wrap" not in html:
            return "long output lines do not wrap in the HTML export"
        gif = os.path.join(out, "figures", "export_check", "cell01_1.gif")
        if gif not in figures or not os.path.exists(gif):
            return f"the GIF was not saved as {gif} (saved: {figures})"
        if not NotebookNotary().check_signature(nbformat.read(path, as_version=4)):
            return "the executed notebook is not signed (JupyterLab would not trust its outputs)"
    return None


def concurrency_notebook():
    """Two of these run at once: each reports its build directory and draws an image."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": KERNEL, "display_name": "Rust (gankit)", "language": "rust"}
    nb.cells = [
        nbformat.v4.new_code_cell(f':dep gankit = {{ path = "{REPO}" }}\nuse gankit::prelude::*;'),
        nbformat.v4.new_code_cell('println!("slot={}", std::env::var("EVCXR_TMPDIR").unwrap());'),
        nbformat.v4.new_code_cell(
            "let x = Tensor::rand([4, 3, 8, 8], (Kind::Float, Device::Cpu)) * 2 - 1;\nlet grid = ImageGrid::new(&x)?;\ngrid",
            metadata={"tags": ["figure"]}),
    ]
    os.makedirs(os.path.join(REPO, "target", "nbtest"), exist_ok=True)
    return nb, os.path.join(REPO, "target", "nbtest", "two_kernels.ipynb")


def run_concurrent_pair():
    """Runs two kernels at the same time; returns a failure message or None."""
    nb, path = concurrency_notebook()
    nbformat.write(nb, path)
    try:
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            results = list(pool.map(lambda _: execute(path), range(2)))
    finally:
        os.remove(path)
    for _, _, failure in results:
        if failure:
            return f"two kernels at once: {failure}"
    slots = []
    for nb_done, _, _ in results:
        text = "".join(o.get("text", "") for o in nb_done.cells[1].outputs if o.output_type == "stream")
        m = re.search(r"slot=(\S+)", text)
        slots.append(m.group(1) if m else None)
    if None in slots or slots[0] == slots[1]:
        return f"two kernels at once: expected two different build directories, got {slots}"
    return None


def run_not_set_up():
    """A kernel whose libtorch is missing must answer the first cell with the setup command."""
    import tempfile

    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(KERNEL)
    with tempfile.TemporaryDirectory() as jupyter_dir:
        spec_dir = os.path.join(jupyter_dir, "kernels", "gankit-not-set-up")
        os.makedirs(spec_dir)
        env = dict(spec.env, LIBTORCH=os.path.join(jupyter_dir, "no-libtorch-here"))
        with open(os.path.join(spec_dir, "kernel.json"), "w") as f:
            json.dump({"argv": spec.argv, "display_name": "not set up", "language": "rust", "env": env}, f)
        nb = nbformat.read(os.path.join(REPO, "notebooks", "00_getting_started.ipynb"), as_version=4)
        nb.cells = [c for c in nb.cells if c.cell_type == "code"][:1]
        old = os.environ.get("JUPYTER_PATH")
        os.environ["JUPYTER_PATH"] = jupyter_dir + (os.pathsep + old if old else "")
        try:
            client = GankitClient(nb, kernel_name="gankit-not-set-up", timeout=120,
                                  resources={"metadata": {"path": os.path.join(REPO, "notebooks")}})
            client.execute()
            return "the first cell succeeded without libtorch"
        except CellExecutionError as e:
            if "bash kernel/gankit setup" in str(e) and "libtorch was not found" in str(e):
                return None
            return f"the first cell failed without naming the setup command: {first_line(e)}"
        finally:
            if old is None:
                os.environ.pop("JUPYTER_PATH", None)
            else:
                os.environ["JUPYTER_PATH"] = old


def cmd_test(args):
    os.environ["GANKIT_MODE"] = "smoke"
    passed, failed = 0, []

    def record(name, failure, secs):
        nonlocal passed
        if failure:
            failed.append(f"{name}: {failure}")
            print(f"FAIL {name} ({secs:.0f} s)\n     {failure}", flush=True)
        else:
            passed += 1
            print(f"ok   {name} ({secs:.0f} s)", flush=True)

    for nb_path in args.notebooks:
        _, secs, failure = execute(nb_path)
        record(os.path.relpath(nb_path, REPO), failure, secs)

    # The checker must catch what it claims to catch: each fixture declares how it breaks (or
    # that it passes), and what its outputs must and must not say.
    for fx in sorted(f for f in os.listdir(FIXTURES) if f.endswith(".ipynb")):
        fx_path = os.path.join(FIXTURES, fx)
        meta = fixture_metadata(fx_path)
        want, must_pass = meta.get("expect_failure"), meta.get("expect_pass")
        nb_done, secs, failure = execute(fx_path)
        problem = check_expected_output(nb_done, meta)
        if not want and not must_pass:
            record(f"fixture {fx}", "declares neither metadata.gankit.expect_failure nor expect_pass", secs)
        elif must_pass and failure is not None:
            record(f"fixture {fx}", f"must pass, but failed: {failure}", secs)
        elif want and failure is None:
            record(f"fixture {fx}", f"passed, but must fail with {want!r}", secs)
        elif want and (want not in failure or fx not in failure):
            record(f"fixture {fx}", f"failed with {failure!r}, expected a message naming {fx} and {want!r}", secs)
        elif problem:
            record(f"fixture {fx}", problem, secs)
        elif want:
            record(f"fixture {fx} fails as it should: {failure}", None, secs)
        else:
            record(f"fixture {fx} passes as it should", None, secs)

    t0 = time.time()
    record("the HTML export needs no network, wraps lines, keeps GIFs; notebooks are signed",
           check_export(), time.time() - t0)

    t0 = time.time()
    record("a kernel without libtorch names the setup command", run_not_set_up(), time.time() - t0)

    if not args.skip_concurrency:
        t0 = time.time()
        record("two kernels at once, separate build directories", run_concurrent_pair(), time.time() - t0)

    print(f"notebooks: {passed} passed, {len(failed)} failed")
    return 1 if failed else 0


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--out", required=True)
    r.add_argument("notebooks", nargs="+")
    t = sub.add_parser("test")
    t.add_argument("--skip-concurrency", action="store_true")
    t.add_argument("notebooks", nargs="+")
    args = p.parse_args()
    missing = [n for n in args.notebooks if not os.path.exists(n)]
    if missing:
        sys.exit(f"[gankit] error: no such notebook: {missing[0]}")
    sys.exit(cmd_run(args) if args.cmd == "run" else cmd_test(args))


if __name__ == "__main__":
    main()
