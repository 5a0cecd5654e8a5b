"""Survey exports as a district: Qualtrics, Google/Microsoft Forms, LimeSurvey, Kobo, SurveyMonkey.

A researcher asks each organisation who it is (name, formal or informal,
category), which parent groups it reaches (and on which topics), which
organisations it works with, and per partner the four conditions of good
collaboration (trust, shared goals, clarity of roles, equality; 1-5 or Likert
words). Every survey tool exports that as *one respondents table*: one row per
respondent, one column per question, sub-question or answer option. This
module reads that table (:func:`read_survey`), guesses what each column means
(:func:`guess_mapping`, a :class:`SurveyMapping` the researcher confirms and
saves as JSON) and turns the answers into the four canonical tables
(:func:`apply`), validated by :func:`mapping.io.validate.validate_tables` like
any upload, with every problem traced back to the survey's own file, row and
column.

The export formats, as the tools write them (and as public sample exports and
parsers show them):

* **Qualtrics** CSV: three header rows: the export tag (``Q5_1``), the
  question text (a matrix or multi-select adds ``" - "`` and the sub-question
  or choice: ``"Met welke organisaties werkt u samen? - Moskee Al Fath"``) and
  ``{"ImportId":"QID5_1"}``; metadata columns ``StartDate``, ``IPAddress``,
  ``ResponseId``, ``RecipientEmail``, ``LocationLatitude``...; answers as
  numeric codes or choice text; ``_TEXT`` columns hold typed "other" answers.
* **Google Forms**: CSV download joins a checkbox question's answers with
  ``;``; the Sheets XLSX joins them with ``", "``; a grid question is one
  column per row, ``"Vertrouwen [Moskee Al Fath]"``; ``Timestamp``/``Tijdstempel``
  first, as text.
* **Microsoft Forms** XLSX: ``ID``, ``Start time``, ``Completion time``,
  ``Email``, ``Name`` first; a multi-select answer joined with ``;`` (and a
  trailing ``;``).
* **LimeSurvey** CSV/XLSX: ``id``, ``submitdate``, ``lastpage``,
  ``startlanguage``, ``seed``, ``ipaddr``...; sub-questions as ``Q5[SQ001]``
  (question codes) or ``"question [sub-question]"`` (question texts, also as
  ``"Q5[SQ001]. question [sub-question]"``); multiple choice as ``Y``/empty or
  answer codes; ``;`` or ``,`` delimited.
* **KoboToolbox / ODK**: ``group/question`` headers; a select-multiple
  question as one space-separated column, or split into one ``question/option``
  column per option holding ``1``/``0`` or ``True``/``False`` (or both); repeat
  groups on their own sheet, joined to the main sheet by ``_parent_index`` =
  ``_index``; ``_uuid``, ``_submission_time``... at the end.
* **SurveyMonkey** CSV/XLSX: two header rows: the question (empty for the
  continuation columns of the same question) and ``Response``,
  ``Open-Ended Response`` or the choice or matrix row; ``Respondent ID``,
  ``Collector ID``, ``IP Address``, ``Email Address``, ``First Name``...

Personal data never reaches the tables: respondent names, e-mail and IP
addresses, locations and free-text answers are dropped (the result says which
columns), every column the mapping does not use is dropped, and ``reported_by``
is a keyed hash of the respondent id (:func:`pseudonym`), never the id itself.
"""


from mapping.io.surveys.answers import likert_score, name_key, split_answers
from mapping.io.surveys.build import apply, import_files, import_survey
from mapping.io.surveys.builder import SurveyResult
from mapping.io.surveys.catalog import MESSAGES, ROLES, SHAPES, TOOLS
from mapping.io.surveys.cli import register, run_import
from mapping.io.surveys.formats import detect_tool
from mapping.io.surveys.guess import guess_mapping
from mapping.io.surveys.kind import KINDS, upload_kind
from mapping.io.surveys.names import SURE, UNSURE, NameMatch, NameMatcher, load_lists, read_lists
from mapping.io.surveys.network_canvas import is_network_canvas, read_network_canvas
from mapping.io.surveys.own_form import recognise
from mapping.io.surveys.pseudonymise import pseudonym
from mapping.io.surveys.reading import read_survey, read_surveys
from mapping.io.surveys.roles import ColumnRole, SurveyMapping
from mapping.io.surveys.table import Sheet, SurveyColumn, SurveyProblem, SurveyTable

__all__ = [
    "KINDS",
    "MESSAGES",
    "ROLES",
    "SHAPES",
    "SURE",
    "TOOLS",
    "UNSURE",
    "ColumnRole",
    "NameMatch",
    "NameMatcher",
    "Sheet",
    "SurveyColumn",
    "SurveyMapping",
    "SurveyProblem",
    "SurveyResult",
    "SurveyTable",
    "apply",
    "detect_tool",
    "guess_mapping",
    "import_files",
    "import_survey",
    "is_network_canvas",
    "likert_score",
    "load_lists",
    "name_key",
    "pseudonym",
    "read_lists",
    "read_network_canvas",
    "read_survey",
    "read_surveys",
    "recognise",
    "register",
    "run_import",
    "split_answers",
    "upload_kind",
]
