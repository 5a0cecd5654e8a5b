"""Survey: upload a survey tool's export, confirm the guessed mapping, see the result, save it.

The same import the Data page offers (:mod:`pages._imports`), with a mapping
file saved from an earlier wave: the page reads the export, shows the guessed
meaning of every column, applies the confirmed mapping and shows the
validation report (survey file, row and column) and the four tables; a valid
result can be saved in the store as a dataset.
"""

from __future__ import annotations

import streamlit as st

from mapping.io import surveys as sv
from mapping.ui_text import t
from pages import _imports as imports
from pages import _shared as shared


def _saved_mapping(lang: str) -> sv.SurveyMapping | None:
    """A mapping uploaded from an earlier wave, when it is valid."""
    saved = st.session_state.get("survey_mapping_file")
    if saved is None:
        return None
    try:
        return sv.SurveyMapping.from_json(saved.getvalue())
    except ValueError:
        st.warning(t("survey_mapping_invalid", lang))
        return None


def main() -> None:
    ctx = shared.context()
    lang = ctx.lang
    st.title(t("survey_title", lang))
    st.caption(t("survey_intro", lang))
    uploads = st.file_uploader(t("survey_file", lang), type=["csv", "xlsx", "txt"],
                               accept_multiple_files=True, key="survey_file")
    st.file_uploader(t("survey_mapping_file", lang), type=["json"], key="survey_mapping_file")
    if uploads:
        files = tuple((f.name, f.getvalue()) for f in uploads)
        imports.survey_section(files, lang, "survey", _saved_mapping(lang))


main()
