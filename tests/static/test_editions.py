"""The language editions: notebooks-hi/ against notebooks/, read and never run.
The Hindi notebooks' code is the English code, written by scripts/editions.py
(a Hindi cell whose English source changed is reported as stale; those
end-to-end tests work on a copy of the project in a temporary folder), code in
the prose included, only ``#`` comments may differ; the words are the glossary's
(docs/glossary.hi.md: no "Avoid" or "Also seen" form in the Hindi prose, every
term used); each Hindi notebook links to its English twin, has its own Colab
badges and the English setup cell, and README.hi.md is current and NFC.
"""

from __future__ import annotations

import difflib
import io
import re
import subprocess
import sys
import tokenize
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_editions(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "scripts" / "editions.py"),
                           *args], capture_output=True, text=True, timeout=300)


def test_the_hindi_notebooks_are_what_the_script_writes():
    done = run_editions(ROOT, "--check")
    assert done.returncode == 0, done.stdout + done.stderr


# -- the Hindi notebooks against the English ones, the glossary, README.hi.md --

ENGLISH = ROOT / "notebooks"


HINDI = ROOT / "notebooks-hi"


GLOSSARY = ROOT / "docs" / "glossary.hi.md"


README_HI = ROOT / "README.hi.md"


#: English notebooks that have no Hindi twin yet (each one listed here is a gap
#: to close, not a permanent exception; the test fails once it is translated).
NOT_YET_TRANSLATED: set[str] = set()


STEMS = sorted(p.stem for p in (ENGLISH / "py").glob("[0-9][0-9]_*.py")
               if p.stem not in NOT_YET_TRANSLATED)


HEADER = ("English", "Hindi", "Also seen", "Avoid", "Meaning")


PYTHON_BLOCK = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$",
                          re.DOTALL | re.MULTILINE)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def read(path: Path):
    import jupytext

    return jupytext.read(path)


@dataclass(frozen=True)
class Term:
    english: str
    hindi: tuple[str, ...]
    also_seen: tuple[str, ...]
    avoid: tuple[str, ...]
    meaning: str
    line: int


def _cells(row: str) -> list[str]:
    return [c.strip() for c in row.strip().strip("|").split("|")]


def _values(cell: str) -> tuple[str, ...]:
    if cell in ("", "—", "-"):
        return ()
    return tuple(nfc(v.strip()) for v in cell.split(";") if v.strip())


def read_glossary(path: Path = GLOSSARY) -> list[Term]:
    """Every row of every table whose header is ``HEADER``. A table that starts
    like one (``| English | Hindi``) but has other columns is an error."""
    lines = path.read_text(encoding="utf-8").splitlines()
    terms = []
    for i, line in enumerate(lines):
        if not line.startswith("| English | Hindi"):
            continue
        assert tuple(_cells(line)) == HEADER, f"glossary line {i + 1}: {line}"
        assert set(lines[i + 1].replace("|", "").strip()) <= {"-"}, (
            f"glossary line {i + 2}: expected the table's separator row")
        for number, row in enumerate(lines[i + 2:], i + 3):
            if not row.startswith("|"):
                break
            cells = _cells(row)
            assert len(cells) == len(HEADER), (
                f"glossary line {number}: {len(cells)} columns, not {len(HEADER)}")
            english, hindi, also, avoid, meaning = cells
            terms.append(Term(english, _values(hindi), _values(also), _values(avoid),
                              meaning, number))
    return terms


def _consonant(char: str) -> bool:
    """A Devanagari consonant, or the virama that joins one on: the word goes on."""
    return ("\u0915" <= char <= "\u0939" or "\u0958" <= char <= "\u095f"
            or "\u0978" <= char <= "\u097f" or char == "\u094d")


def spans(term: str, text: str) -> list[tuple[int, int]]:
    """Where ``term`` stands as a word in ``text``, with any inflection: युग also
    finds युगों, सुविधा finds सुविधाएँ (vowel signs and vowels may follow), but
    भार does not find भारत, nor हल हल्के (a consonant or a virama follows: another
    word), nor सामान्यीकरण बैचसामान्यीकरण (a letter comes before). A term of
    several words is found across a line break too."""
    found = []
    pattern = r"\s+".join(re.escape(word) for word in term.split())
    for match in re.finditer(pattern, text):
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if unicodedata.category(before)[0] not in "LM" and not _consonant(after):
            found.append(match.span())
    return found


def occurrences(term: str, text: str) -> list[int]:
    """Where ``term`` starts, wherever it stands as a word in ``text`` (``spans``)."""
    return [start for start, _ in spans(term, text)]


#: A first-use gloss: "रैंडम (random, यानी यादृच्छिक)", "(मीन और वेरिएंस, यानी माध्य और
#: प्रसरण)". An "Also seen" form may stand here only: after "यानी", inside the
#: same brackets (docs/glossary.hi.md, rule 2).
GLOSS = re.compile(r"\(\s*[^()।]*यानी[^()।]*$")


def wrong_words(text: str, terms) -> list[str]:
    """Every Avoid and Also seen form found in ``text``, as messages. Not
    reported: a wrong word inside one of our own terms (भार in भारित योग), and an
    Also seen form in a first-use gloss."""
    ours = [span for t in terms for h in t.hindi for span in spans(h, text)]
    problems = []
    for term in terms:
        for column, words in (("Avoid", term.avoid), ("Also seen", term.also_seen)):
            for word in words:
                for start, end in spans(word, text):
                    if any(a <= start and end <= b and b - a > end - start
                           for a, b in ours):
                        continue
                    if column == "Also seen" and GLOSS.search(text[:start][-80:]):
                        continue
                    problems.append(f"{word!r} ({column} for {term.english!r}), "
                                    f"{excerpt(text, start)}")
    return problems


def code_lines(source: str) -> list[str]:
    """A code cell without its ``#`` comments and blank lines (tokenize, so a
    ``#`` inside a string stays), each line without trailing spaces."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        tokens = []  # not Python (a magic): compared as it is
    lines = source.splitlines()
    for token in reversed([t for t in tokens if t.type == tokenize.COMMENT]):
        row, col = token.start
        lines[row - 1] = lines[row - 1][:col]
    return [x.rstrip() for x in lines if x.strip()]


def comments(source: str) -> list[str]:
    try:
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        return [t.string for t in tokens if t.type == tokenize.COMMENT]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return [x for x in source.splitlines() if x.lstrip().startswith("#")]


def prose_blocks(nb) -> list[list[str]]:
    """The ```` ```python ```` blocks of the markdown cells, in order."""
    return [code_lines(block) for c in nb.cells if c.cell_type == "markdown"
            for block in PYTHON_BLOCK.findall(c.source)]


def hindi_text(stem: str) -> str:
    """What a Hindi reader reads of a notebook: its markdown and code comments."""
    nb = read(HINDI / "py" / f"{stem}.py")
    parts = [c.source for c in nb.cells if c.cell_type == "markdown"]
    parts += [x for c in nb.cells if c.cell_type == "code"
              for x in comments(c.source)]
    return nfc("\n".join(parts))


def hindi_documents() -> dict[str, str]:
    docs = {f"notebooks-hi/py/{stem}.py": hindi_text(stem) for stem in STEMS}
    docs["README.hi.md"] = nfc(README_HI.read_text(encoding="utf-8"))
    return docs


def excerpt(text: str, start: int) -> str:
    line = text.count("\n", 0, start) + 1
    begin = text.rfind("\n", 0, start) + 1
    end = text.find("\n", start)
    return f"line {line}: {text[begin:end if end >= 0 else None].strip()}"


def test_every_english_notebook_has_a_hindi_twin():
    english = {p.stem for p in (ENGLISH / "py").glob("[0-9][0-9]_*.py")}
    assert NOT_YET_TRANSLATED <= english, "NOT_YET_TRANSLATED names a lost notebook"
    assert len(STEMS) >= 6
    assert sorted(p.stem for p in (HINDI / "py").glob("[0-9][0-9]_*.py")) == STEMS
    assert sorted(p.stem for p in HINDI.glob("[0-9][0-9]_*.ipynb")) == STEMS


@pytest.mark.parametrize("stem", STEMS)
def test_hindi_pair_agrees_and_has_one_parameters_cell(stem):
    py, ipynb = HINDI / "py" / f"{stem}.py", HINDI / f"{stem}.ipynb"
    assert ipynb.exists(), (
        f"{ipynb.name} is missing: jupytext --sync notebooks-hi/py/*.py")

    def cells(nb):
        return [(c.cell_type, c.source.strip(), c.metadata.get("tags", []))
                for c in nb.cells]

    a, b = read(ipynb), read(py)
    assert cells(a) == cells(b), (
        f"notebooks-hi/{ipynb.name} and {py.name} differ: "
        "jupytext --sync notebooks-hi/py/*.py")
    tags = [c.metadata.get("tags", []) for c in b.cells]
    assert sum("parameters" in t for t in tags) == 1
    assert b.cells[0].cell_type == "markdown" and b.cells[0].source.startswith("# ")


@pytest.mark.parametrize("stem", STEMS)
def test_code_in_the_prose_equals_the_english_notebooks(stem):
    """The ```python blocks of the markdown (the tutorial's code, the exercises'
    solutions), in order."""
    english = prose_blocks(read(ENGLISH / "py" / f"{stem}.py"))
    hindi = prose_blocks(read(HINDI / "py" / f"{stem}.py"))
    for number, (en, hi) in enumerate(zip(english, hindi), 1):
        if en != hi:
            diff = "\n".join(difflib.unified_diff(
                en, hi, f"notebooks/py/{stem}.py", f"notebooks-hi/py/{stem}.py",
                lineterm=""))
            pytest.fail(f"notebooks-hi/{stem}: python block {number} of the prose "
                        f"differs from the English notebook's:\n{diff}")
    assert len(hindi) == len(english), (
        f"notebooks-hi/{stem}: {len(hindi)} python blocks in the prose, the English "
        f"notebook has {len(english)}")


def test_comments_and_blank_lines_do_not_count_but_code_does():
    """What the code checks above compare, on made-up cells."""
    en = code_lines('x = "#1"  # a comment\n\nprint(x)\n')
    hi = code_lines('# टिप्पणी\nx = "#1"  # हिंदी टिप्पणी\nprint(x)\n')
    assert en == hi == ['x = "#1"', "print(x)"]
    assert code_lines('x = "#2"\nprint(x)') != en


def test_glossary_parses_and_contradicts_itself_nowhere():
    terms = read_glossary()
    assert len(terms) >= 80, len(terms)
    english = [t.english for t in terms]
    assert len(set(english)) == len(english), "an English term is listed twice"
    recommended = {h: t for t in terms for h in t.hindi}
    for term in terms:
        assert term.english and term.hindi and term.meaning, f"line {term.line}"
    # A wrong word inside one of our terms (भार in भारित योग) is masked when the
    # text is searched (``wrong_words``): our own terms are never reported.
    for good, owner in recommended.items():
        assert not wrong_words(good, terms), (
            f"glossary line {owner.line}: {good!r} is reported as a wrong word")
    avoid = {w for t in terms for w in t.avoid}
    also = {w for t in terms for w in t.also_seen}
    assert not avoid & set(recommended), "recommended and also listed as wrong"
    assert not also & set(recommended), "recommended and also listed as also seen"


@pytest.mark.parametrize("document", [*(f"notebooks-hi/py/{s}.py" for s in STEMS),
                                      "README.hi.md"])
def test_no_wrong_rendering_and_no_also_seen_form(document):
    text = hindi_documents()[document]
    problems = wrong_words(text, read_glossary())
    assert not problems, f"{document}:\n" + "\n".join(problems)


def test_wrong_words_are_found_and_glosses_and_our_terms_are_not():
    """What the wrong-words check reports, on made-up sentences: the calques the
    review of the Hindi edition found (issue #23), a school word outside a
    gloss; not a gloss, nor a wrong word inside one of our terms."""
    terms = read_glossary()

    def found(text):
        return [p.split(" (")[0] for p in wrong_words(nfc(text), terms)]

    assert found("इसकी स्टैंडर्ड एरर 1.7 है") == ["'स्टैंडर्ड एरर'"]
    assert found("यह संख्याओं के हिसाब से ज़्यादा सुरक्षित है") == [
        "'संख्याओं के हिसाब से ज़्यादा सुरक्षित'"]
    assert found("यह न्यूमेरिकली सुरक्षित है") == ["'न्यूमेरिकली'"]
    assert found("फ़ोटो की दर्पण-छाया") == ["'दर्पण-छाया'"]
    assert found("एक इमेज आधा पॉइंट है") == ["'पॉइंट'"]
    assert found("हेड के पास 1,281 वेट") == ["'के पास'"]
    assert found("यादृच्छिक फ़्लिप") == ["'यादृच्छिक'"]
    assert found("रैंडम (random, यानी यादृच्छिक) फ़्लिप") == []
    assert found("(मीन और वेरिएंस, यानी माध्य और प्रसरण)") == []
    assert found("मैप का भारित योग, मानक त्रुटि, दर्पण-प्रतिबिंब, रेखाचित्र") == []


def test_every_glossary_term_is_used():
    """The glossary lists the course's terms, no more: each Hindi term appears
    in a Hindi notebook or README.hi.md."""
    corpus = "\n".join(hindi_documents().values())
    unused = [f"{h} ({t.english}, line {t.line})" for t in read_glossary()
              for h in t.hindi if not occurrences(h, corpus)]
    assert not unused, "unused glossary terms: " + ", ".join(unused)


@pytest.mark.parametrize("stem", STEMS)
def test_exercises_are_all_translated_with_hint_and_solution(stem):
    """As many exercises as the English notebook, each with one folded संकेत
    (hint) and one folded हल (solution), in that order."""
    def exercises(nb, heading):
        return [c.source for c in nb.cells if c.cell_type == "markdown"
                and c.source.startswith(heading)]

    english = exercises(read(ENGLISH / "py" / f"{stem}.py"), "### Exercise ")
    hindi = exercises(read(HINDI / "py" / f"{stem}.py"), "### अभ्यास ")
    assert len(hindi) == len(english), (
        f"notebooks-hi/{stem}: {len(hindi)} exercises, English {len(english)}")
    for number, cell in enumerate(hindi, 1):
        title = cell.splitlines()[0]
        assert title.startswith(f"### अभ्यास {number} "), title
        hint = cell.count("<details><summary>संकेत</summary>")
        solution = cell.count("<details><summary>हल</summary>")
        assert hint == solution == 1, title
        assert cell.index("संकेत</summary>") < cell.index("हल</summary>"), title
        assert cell.count("<details>") == cell.count("</details>") == 2, title


@pytest.mark.parametrize("stem", STEMS)
def test_links_to_the_english_twin_and_back_and_resolve(stem):
    nb = read(HINDI / "py" / f"{stem}.py")
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert f"English: [{stem}](../notebooks/{stem}.ipynb)" in text
    english = read(ENGLISH / "py" / f"{stem}.py")
    assert any(f"](../notebooks-hi/{stem}.ipynb)" in c.source for c in english.cells
               if c.cell_type == "markdown"), f"notebooks/{stem} does not link here"
    for target in re.findall(r"\]\(([^)#\s]+)", text):
        if not target.startswith(("http://", "https://")):
            assert (HINDI / target).exists(), f"notebooks-hi/{stem}: {target}"


@pytest.mark.parametrize("stem", STEMS)
def test_badges_point_at_the_hindi_notebook_and_setup_is_the_same(stem):
    import nbformat
    from badges import BADGE_MARK, badge_cell, read_config, setup_cell
    from badges import HINDI as EDITION

    repository, ref = read_config()
    nb = nbformat.read(HINDI / f"{stem}.ipynb", as_version=4)
    assert nb.cells[1].source == badge_cell(stem, repository, ref, EDITION)
    assert nb.cells[1].source.startswith(BADGE_MARK)
    assert f"/{ref}/notebooks-hi/{stem}.ipynb" in nb.cells[1].source
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source == setup_cell(repository, ref), "run `make badges`"


@pytest.mark.parametrize("stem", STEMS)
def test_every_code_cell_follows_prose(stem):
    nb = read(HINDI / "py" / f"{stem}.py")
    orphans = [cell.source.splitlines()[0]
               for before, cell in zip(nb.cells, nb.cells[1:])
               if cell.cell_type == "code" and before.cell_type != "markdown"
               and not {"parameters", "course"} & set(cell.metadata.get("tags", []))]
    assert not orphans, f"code cells without prose before them: {orphans}"


def test_readmes_link_each_other_and_the_colab_table_is_current():
    from badges import HINDI as EDITION
    from badges import read_config, readme_table

    english = (ROOT / "README.md").read_text(encoding="utf-8")
    hindi = README_HI.read_text(encoding="utf-8")
    assert "(README.hi.md)" in english
    assert "(README.md)" in hindi
    repository, ref = read_config()
    assert readme_table(STEMS, repository, ref, EDITION) in hindi, "run `make badges`"
    for stem in STEMS:
        assert f"(notebooks-hi/{stem}.ipynb)" in hindi


def test_hindi_files_are_nfc_normalised():
    """One spelling per letter: फ़ as फ + nukta, never the precomposed U+095E, so
    that a search (or the glossary check) finds every occurrence."""
    paths = [*(HINDI / "py").glob("*.py"), GLOSSARY, README_HI,
             ROOT / "docs/hindi-plots.md", ROOT / "docs/hindi-plots.hi.md"]
    for path in paths:
        text = path.read_text(encoding="utf-8")
        assert nfc(text) == text, f"{path.relative_to(ROOT)} is not NFC"
