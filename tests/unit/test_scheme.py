"""Video coding scheme loading and validation."""

import copy
from pathlib import Path

import pytest
import yaml

from workbench.coding.scheme import load_scheme, scheme_from_mapping
from workbench.model.errors import WorkbenchError

SCHEME_FILE = Path(__file__).resolve().parents[2] / "codebooks" / "play_task_scheme.yaml"
RAW = yaml.safe_load(SCHEME_FILE.read_text(encoding="utf-8"))


def raw() -> dict:
    return copy.deepcopy(RAW)


# --- the committed scheme -----------------------------------------------------------------------


def test_committed_scheme_loads():
    scheme = load_scheme(SCHEME_FILE)
    assert [s.key for s in scheme.subjects] == ["mother", "infant"]
    assert [t.code for t in scheme.tasks] == ["free_play", "book_sharing", "clothing_change"]
    keys = [b.key.lower() for b in scheme.behaviours]
    assert len(keys) == len(set(keys))
    kinds = {b.code: b.kind for b in scheme.behaviours}
    for code in (
        "maternal_touch",
        "maternal_gaze_infant",
        "maternal_vocalising",
        "infant_distress",
        "infant_gaze_mother",
    ):
        assert kinds[code] == "state"
    for code in ("maternal_smile", "infant_vocalising", "object_offer"):
        assert kinds[code] == "point"
    touch = scheme.behaviour("maternal_touch")
    assert scheme.modifier_set(touch.modifier_set).values == ["affectionate", "functional", "playful"]
    assert scheme.behaviour("infant_distress").modifier_when == "stop"
    assert scheme.exclusive_partners("infant_gaze_mother") == ["infant_gaze_object", "infant_gaze_away"]


def test_committed_rating_scales_have_full_anchors():
    scheme = load_scheme(SCHEME_FILE)
    codes = {s.code for s in scheme.rating_scales}
    assert {
        "maternal_sensitivity",
        "maternal_intrusiveness",
        "maternal_positive_regard",
        "maternal_detachment",
        "stimulation_of_development",
        "infant_positive_mood",
        "infant_negative_mood",
    } <= codes
    for scale in scheme.rating_scales:
        assert (scale.minimum, scale.maximum) in ((1, 4), (1, 5))
        assert list(scale.anchors) == list(range(scale.minimum, scale.maximum + 1)), scale.code
        assert scale.tasks and scale.description
    assert "stimulation_of_development" not in {s.code for s in scheme.scales_for_task("clothing_change")}


def test_lookups():
    scheme = load_scheme(SCHEME_FILE)
    assert scheme.behaviour_for_key("T").code == "maternal_touch"
    assert scheme.subject("infant").name == "Infant"
    assert scheme.task("book_sharing").name == "Book sharing"
    assert scheme.rating_scale("maternal_sensitivity").anchors[4].startswith("Highly")
    for lookup, arg in ((scheme.behaviour, "nope"), (scheme.behaviour_for_key, "#"), (scheme.task, "nope")):
        with pytest.raises(KeyError):
            lookup(arg)


def test_minimal_scheme_and_defaults():
    scheme = scheme_from_mapping(
        {
            "name": "m",
            "subjects": [{"key": "a", "name": "A"}],
            "behaviours": [
                {"code": "x", "name": "X", "kind": "point", "key": "x", "colour": "#abc", "subjects": ["a"]}
            ],
        }
    )
    behaviour = scheme.behaviours[0]
    assert (behaviour.colour, behaviour.category, behaviour.modifier_set, behaviour.modifier_when) == (
        "#AABBCC",
        "",
        None,
        "start",
    )
    assert scheme.tasks == [] and scheme.rating_scales == [] and scheme.exclusive_groups == []


# --- every validation rule ----------------------------------------------------------------------


def edit(path: str, value):
    """A mutation: set (or delete, value=DELETE) the entry at a dotted path like 'behaviours.maternal_touch.key'.

    List steps pick the entry whose code/key/name matches; numeric dict keys become ints (scale points).
    """

    def apply(data: dict) -> dict:
        parts = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = data
        for part in parts[:-1]:
            target = target[_find(target, part)] if isinstance(target, list) else target[part]
        if value is DELETE:
            del target[parts[-1]]
        else:
            target[parts[-1]] = value
        return data

    return apply


DELETE = object()


def _find(entries: list, ident: str) -> int:
    for i, entry in enumerate(entries):
        if ident in (entry.get("code"), entry.get("key"), entry.get("name")):
            return i
    raise LookupError(ident)


def append(section: str, entry: dict):
    def apply(data: dict) -> dict:
        data.setdefault(section, []).append(entry)
        return data

    return apply


def point(code="extra", key="!", **more):
    entry = {
        "code": code,
        "name": "Extra",
        "kind": "point",
        "key": key,
        "colour": "#123456",
        "subjects": ["mother"],
    }
    entry.update(more)
    return entry


CASES = {
    "not a mapping": (lambda d: [d], "", "expected a mapping"),
    "unknown top field": (edit("codes", []), "", "unknown field 'codes'"),
    "missing behaviours": (edit("behaviours", DELETE), "", "missing field 'behaviours'"),
    "unsupported format": (edit("format", 2), "format", "not supported"),
    "empty subjects": (edit("subjects", []), "subjects", "must not be empty"),
    "subject key not an identifier": (edit("subjects.mother.key", "Mum!"), "subjects[0]", "lower-case"),
    "duplicate subject": (
        append("subjects", {"key": "mother", "name": "Again"}),
        "subjects[2] 'mother'",
        "already used by subjects[0]",
    ),
    "duplicate modifier set": (
        append("modifier_sets", {"name": "touch type", "values": ["a", "b"]}),
        "modifier_sets[2]",
        "already used",
    ),
    "one modifier value": (
        edit("modifier_sets.touch type.values", ["only"]),
        "modifier_sets[0] 'touch type'",
        "at least two",
    ),
    "repeated modifier value": (
        edit("modifier_sets.touch type.values", ["a", "a"]),
        "modifier_sets[0]",
        "listed twice",
    ),
    "empty modifier value": (
        edit("modifier_sets.touch type.values", ["a", ""]),
        "modifier_sets[0]",
        "non-empty",
    ),
    "duplicate behaviour code": (
        append("behaviours", point(code="maternal_touch")),
        "behaviours[13] 'maternal_touch'",
        "behaviour code 'maternal_touch' is already used by behaviours[0]",
    ),
    "duplicate key": (
        append("behaviours", point(key="t")),
        "behaviours[13] 'extra'",
        "keyboard key 't' is already used by behaviours[0] 'maternal_touch'",
    ),
    "duplicate key other case": (
        append("behaviours", point(key="G")),
        "behaviours[13]",
        "keyboard key 'g' is already used",
    ),
    "key too long": (
        edit("behaviours.maternal_touch.key", "tt"),
        "behaviours[0] 'maternal_touch'",
        "one printable keyboard character",
    ),
    "key a number": (
        edit("behaviours.maternal_touch.key", 1),
        "behaviours[0]",
        "one printable keyboard character",
    ),
    "key a space": (
        edit("behaviours.maternal_touch.key", " "),
        "behaviours[0]",
        "one printable keyboard character",
    ),
    "bad kind": (
        edit("behaviours.maternal_touch.kind", "interval"),
        "behaviours[0]",
        "must be point or state",
    ),
    "bad colour": (edit("behaviours.maternal_touch.colour", "red"), "behaviours[0]", "hex colour"),
    "typo field": (
        edit("behaviours.maternal_touch.color", "#FFFFFF"),
        "behaviours[0] 'maternal_touch'",
        "unknown field 'color'",
    ),
    "missing subjects": (
        edit("behaviours.maternal_touch.subjects", DELETE),
        "behaviours[0]",
        "missing field 'subjects'",
    ),
    "unknown subject": (
        edit("behaviours.maternal_touch.subjects", ["father"]),
        "behaviours[0]",
        "unknown subject 'father'",
    ),
    "empty subjects list": (
        edit("behaviours.maternal_touch.subjects", []),
        "behaviours[0]",
        "must not be empty",
    ),
    "repeated subject": (
        edit("behaviours.maternal_touch.subjects", ["mother", "mother"]),
        "behaviours[0]",
        "twice",
    ),
    "unknown modifier set": (
        edit("behaviours.maternal_touch.modifier_set", "grip"),
        "behaviours[0]",
        "unknown modifier set 'grip'",
    ),
    "bad modifier_when": (
        edit("behaviours.maternal_touch.modifier_when", "middle"),
        "behaviours[0]",
        "start or stop",
    ),
    "point with stop modifier": (
        append("behaviours", point(modifier_set="touch type", modifier_when="stop")),
        "behaviours[13] 'extra'",
        "point event has no stop",
    ),
    "group with unknown behaviour": (
        edit("exclusive_groups.infant gaze.behaviours", ["infant_gaze_mother", "ghost"]),
        "exclusive_groups[0] 'infant gaze'",
        "unknown behaviour 'ghost'",
    ),
    "group with point behaviour": (
        edit("exclusive_groups.infant gaze.behaviours", ["infant_gaze_mother", "infant_smile"]),
        "exclusive_groups[0]",
        "'infant_smile' is a point event",
    ),
    "group of one": (
        edit("exclusive_groups.infant gaze.behaviours", ["infant_gaze_mother"]),
        "exclusive_groups[0]",
        "at least two",
    ),
    "duplicate group": (
        append(
            "exclusive_groups",
            {"name": "infant gaze", "behaviours": ["infant_gaze_mother", "infant_gaze_away"]},
        ),
        "exclusive_groups[1]",
        "already used",
    ),
    "duplicate task": (
        append("tasks", {"code": "free_play", "name": "Again"}),
        "tasks[3] 'free_play'",
        "task code 'free_play' is already used",
    ),
    "min not below max": (
        edit("rating_scales.maternal_sensitivity.minimum", 4),
        "rating_scales[0] 'maternal_sensitivity'",
        "must be below 'maximum'",
    ),
    "fractional bound": (
        edit("rating_scales.maternal_sensitivity.maximum", 4.5),
        "rating_scales[0]",
        "whole number",
    ),
    "boolean bound": (
        edit("rating_scales.maternal_sensitivity.minimum", True),
        "rating_scales[0]",
        "whole number",
    ),
    "anchor outside range": (
        edit("rating_scales.maternal_sensitivity.anchors.5", "Too high"),
        "rating_scales[0] 'maternal_sensitivity'",
        "anchor 5 is outside the range 1-4",
    ),
    "anchor not a number": (
        edit("rating_scales.maternal_sensitivity.anchors.high", "x"),
        "rating_scales[0]",
        "not a whole-number scale point",
    ),
    "empty anchor": (
        edit("rating_scales.maternal_sensitivity.anchors.2", " "),
        "rating_scales[0]",
        "anchor 2 needs a description",
    ),
    "anchors not a mapping": (
        edit("rating_scales.maternal_sensitivity.anchors", ["a"]),
        "rating_scales[0]",
        "'anchors' must map",
    ),
    "unknown task": (
        edit("rating_scales.maternal_sensitivity.tasks", ["free_play", "bath_time"]),
        "rating_scales[0]",
        "unknown task 'bath_time'",
    ),
    "no tasks for scale": (
        edit("rating_scales.maternal_sensitivity.tasks", []),
        "rating_scales[0]",
        "must not be empty",
    ),
    "scales without tasks section": (edit("tasks", DELETE), "rating_scales[0]", "defines no tasks"),
    "duplicate scale": (
        append(
            "rating_scales",
            {"code": "maternal_sensitivity", "name": "x", "minimum": 1, "maximum": 2, "tasks": ["free_play"]},
        ),
        "rating_scales[7]",
        "already used",
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_rule_is_enforced(tmp_path, case):
    mutate, where, problem = CASES[case]
    data = mutate(raw())
    path = tmp_path / "scheme.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(WorkbenchError) as caught:
        load_scheme(path)
    message = str(caught.value)
    assert message.startswith("scheme.yaml: "), message
    assert where in message and problem in message, message
    assert "\n" not in message


# --- file-level problems ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, problem",
    [
        (b"", "empty"),
        (b"# only a comment\n", "expected a mapping"),
        (b"name: [unclosed\n", "not valid YAML on line"),
        ("name: caf\u00e9\n".encode("latin-1"), "not UTF-8"),
        (b"!!python/object/apply:os.system ['true']\n", "not valid YAML"),
        (
            b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
            "unknown field",
        ),
    ],
    ids=["empty", "comment only", "bad syntax", "latin-1", "python tag", "alias bomb"],
)
def test_bad_files(tmp_path, content, problem):
    path = tmp_path / "scheme.yaml"
    path.write_bytes(content)
    with pytest.raises(WorkbenchError, match=problem):
        load_scheme(path)


def test_size_limit_and_missing_file(tmp_path):
    with pytest.raises(WorkbenchError, match="too large"):
        load_scheme(SCHEME_FILE, max_bytes=1000)
    with pytest.raises(WorkbenchError, match="does not exist"):
        load_scheme(tmp_path / "none.yaml")
    with pytest.raises(WorkbenchError, match="folder"):
        load_scheme(tmp_path)


def test_keys_are_optional_and_keyless_behaviours_are_not_typed():
    data = edit("behaviours.maternal_touch.key", DELETE)(raw())
    data = append("behaviours", point(code="unkeyed", key=None))(data)
    scheme = scheme_from_mapping(data)
    assert scheme.behaviour("maternal_touch").key is None
    assert scheme.behaviour("unkeyed").key is None
    with pytest.raises(KeyError):
        scheme.behaviour_for_key("t")


def test_import_assigns_keys_to_the_first_behaviours_and_names_the_rest():
    from workbench.exchange.coded import KEY_POOL, build_scheme, keyless_note

    behaviours = [
        {"code": f"b{i}", "name": f"tier {i}", "kind": "state", "subjects": ["s"]} for i in range(40)
    ]
    scheme = build_scheme("many", [{"key": "s", "name": "S"}], behaviours, [], [], "many.eaf")
    keys = [b.key for b in scheme.behaviours]
    assert keys[: len(KEY_POOL)] == list(KEY_POOL) and keys[len(KEY_POOL) :] == [None] * 4
    (note,) = keyless_note(scheme)
    assert note.startswith("4 behaviour(s) have no keyboard key") and "'tier 39'" in note


def test_a_media_task_label_names_a_scheme_task():
    scheme = load_scheme(Path(__file__).resolve().parents[2] / "codebooks" / "play_task_scheme.yaml")
    for label, code in (
        ("free play", "free_play"),
        ("Book sharing", "book_sharing"),
        ("  clothing-change ", "clothing_change"),
        ("FREE_PLAY", "free_play"),
    ):
        found = scheme.task_for_label(label)
        assert found is not None and found.code == code, label
    for label in ("interview", "", None, "play"):
        assert scheme.task_for_label(label) is None
