"""The layer check of `make lint`: it passes on the tree, and it catches what it is for."""

import ast
import importlib.util
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "check_layers.py"


@pytest.fixture(scope="module")
def layers():
    spec = importlib.util.spec_from_file_location("check_layers", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def edges_of(layers, sources: dict[str, str]) -> dict[str, set[str]]:
    known = set(sources)
    return {name: layers.imports(ast.parse(text), known) - {name}
            for name, text in sources.items()}


def test_the_tree_keeps_the_layer_order_without_circles(layers):
    edges = layers.graph()
    assert "tracker.web" in edges
    assert layers.upward(edges) == []
    assert layers.circles(edges) == []


def test_an_import_that_points_up_is_named(layers):
    edges = edges_of(layers, {
        "tracker.org.services": "from tracker.workflow.services import save_report\n",
        "tracker.workflow.services": "from tracker.org.models import User\n",
        "tracker.org.models": "",
    })
    assert layers.upward(edges) == [
        "tracker.org.services imports tracker.workflow.services: workflow is above org"]


def test_models_are_shared_but_import_no_services(layers):
    edges = edges_of(layers, {
        "tracker.schedule.planning": "from tracker.workflow.models import Occurrence\n",
        "tracker.workflow.models": "from tracker.notify.services import notify\n",
        "tracker.notify.services": "",
    })
    assert layers.upward(edges) == [
        "tracker.workflow.models imports tracker.notify.services: models import only core "
        "modules and other models"]


def test_a_circle_is_found_and_annotations_do_not_count(layers):
    edges = edges_of(layers, {
        "tracker.a": "from tracker.b import x\n",
        "tracker.b": "def f():\n    from tracker.a import y\n",
        "tracker.c": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                     "    from tracker.a import z\n",
    })
    assert edges["tracker.c"] == set()
    assert layers.circles(edges) == [["tracker.a", "tracker.b"]]


def test_a_package_without_a_layer_is_reported(layers):
    edges = edges_of(layers, {"tracker.newthing.views": "from tracker.org.services import x\n",
                              "tracker.org.services": ""})
    assert layers.upward(edges) == [
        "tracker.newthing.views: 'newthing' has no layer in check_layers.py"]
    edges = edges_of(layers, {"tracker.org.views": "from tracker.newthing.views import x\n",
                              "tracker.newthing.views": ""})
    assert layers.upward(edges) == ["tracker.org.views: 'newthing' has no layer in check_layers.py"]
