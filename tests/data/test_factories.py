"""The shared test factories produce what they promise (tests/factories.py)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from mapping.domain import schema as sc
from mapping.io.load import load_path
from tests.factories import DatasetBuilder, InvalidCell, dataset, datasets, invalid_cells

_SETTINGS = settings(max_examples=8, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture,
                                            HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_builder_is_valid_by_default_and_writes_csv_and_xlsx(tmp_path):
    builder = (DatasetBuilder("wijk").org("W1", "formal").org("M1", "informal")
               .group("G1", 40).reach("M1", "G1").collab("M1", "W1", trust=4.0))
    data = builder.build()
    assert list(data.organisations.columns) == list(sc.ORGANISATIONS.output_columns())
    assert data.organisations["category"].tolist() == ["wijkteam", "mzo"]
    assert data.parent_groups["families"].dtype == "Int64"
    for path in (builder.write_csv(tmp_path / "csv"), builder.write_xlsx(tmp_path / "w.xlsx")):
        result = load_path(path, "en")
        assert result.ok, result.errors
        assert result.dataset.counts()["organisations"] == 2
        assert result.dataset.collaborations["trust"].tolist() == [4.0]


def test_keyword_form_matches_the_builder():
    a = dataset(orgs=[("W1", "formal"), ("M1", "informal", "moskee", "Noord", ["opvoeden"])],
                groups=[("G1", 12, "Noord")], reach=[("M1", "G1", ["school"])],
                collaborations=[("M1", "W1"), {"source": "W1", "target": "M1", "trust": 3}])
    b = (DatasetBuilder().org("W1", "formal")
         .org("M1", "informal", category="moskee", neighbourhood="Noord", topics=("opvoeden",))
         .group("G1", 12, neighbourhood="Noord").reach("M1", "G1", topics=("school",))
         .collab("M1", "W1").collab("W1", "M1", trust=3).build())
    assert a.fingerprint() == b.fingerprint()


@_SETTINGS
@given(data=datasets())
def test_generated_datasets_load_without_errors(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("valid")
    DatasetBuilder.write_csv_of(data, folder)
    result = load_path(folder, "en")
    assert result.ok, [(e.file, e.row, e.column, e.code) for e in result.errors]
    assert result.dataset.counts()["organisations"] == len(data.organisations)


@_SETTINGS
@given(case=invalid_cells())
def test_generated_invalid_cell_is_refused_with_its_code(tmp_path_factory, case: InvalidCell):
    folder = tmp_path_factory.mktemp("invalid")
    DatasetBuilder.write_csv_of(case.dataset, folder)
    result = load_path(folder, "en")
    assert not result.ok
    assert case.code in {e.code for e in result.errors}
    hit = next(e for e in result.errors if e.code == case.code)
    assert hit.column == case.column and hit.row is not None
