"""Untrusted text is shown escaped, personal data stays private, the private key never leaves its file."""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import zipfile
from pathlib import Path

import pytest
from factories import BROWSER, LD_JSON, award, login, login_admin, make_structure, tier_one_skills
from hypothesis import HealthCheck, settings
from hypothesis import given as given_  # « given » names the awarded badge here
from hypothesis import strategies as st
from sqlalchemy import select

import skilltree

HOST = {"Host": "badges.test"}
BASE = "http://badges.test"
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS_URL = "javascript:alert(1)"
# What must never reach a page raw: the payloads' elements (escaped, "<" becomes "&lt;", so the
# harmless text "onerror=alert" may remain), a quote breaking out of an attribute, a javascript: link.
RAW = ("<script>alert", "<img src=x", '"><img', 'href="javascript:', "href='javascript:", 'src="javascript:')


def _assert_no_raw(page: str, where: str) -> None:
    for needle in RAW:
        assert needle not in page, f"{needle!r} appears unescaped in {where}"


def _hostile_tree(tmp_path: Path) -> Path:
    """The shipped tree, its first skill and branch renamed and described with script payloads."""
    text = skilltree.default_tree_path().read_text(encoding="utf-8")
    text = text.replace("name: Jouer ensemble", f"name: 'Jouer {SCRIPT}'", 1)
    text = text.replace("    name: Coopération\n", f"    name: 'Coopération {SCRIPT}'\n", 1)
    text = re.sub(
        r"description: (Participe à une partie en équipe.*)",
        lambda m: "description: '" + (IMG + " " + m.group(1)).replace("'", "''") + "'",
        text,
        count=1,
    )
    text = text.replace(
        "      Pendant une séance de jeu en équipe, la personne :\n",
        f"      Pendant une séance {SCRIPT} <img src=x onerror=alert(2)> [voir]({JS_URL}) :\n",
        1,
    )
    path = tmp_path / "arbre-hostile.yaml"
    path.write_text(text, encoding="utf-8")
    skilltree.load_tree(path)  # the payloads are legal tree text: the tree must load
    return path


@pytest.fixture
def hostile(app, tmp_path, monkeypatch):
    """The app running the hostile tree, with a consenting learner whose name and evidence are hostile."""
    from issuer.runtime import EXTENSION, make_runtime

    config = {**app.config, "SKILLTREE": str(_hostile_tree(tmp_path))}
    monkeypatch.setitem(app.extensions, EXTENSION, make_runtime(config))
    given = award(
        app,
        name=f"Léa {SCRIPT}"[:80],
        name_public=True,
        narrative=f"A aidé son équipe. {IMG} {SCRIPT} [lien]({JS_URL})",
        game=f"Jeu {IMG}",
    )
    return given


def test_security_input_tree_payloads_load_as_plain_text(tmp_path):
    tree = skilltree.load_tree(_hostile_tree(tmp_path))
    assert SCRIPT in tree.skills[0].name


def test_security_input_learner_page_escapes_names_evidence_and_tree(app, client, hostile):
    login(client, headers=HOST)
    resp = client.get(f"/jeunes/{hostile.learner_id}", headers=HOST)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "&lt;script&gt;" in page  # the name is shown, as text
    _assert_no_raw(page, "the learner page")
    listing = client.get("/jeunes/", headers=HOST).get_data(as_text=True)
    _assert_no_raw(listing, "the learners list")


def test_security_input_verification_page_escapes_everything(app, client, hostile):
    resp = client.get(f"/assertions/{hostile.uid}", headers={**BROWSER, **HOST})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "&lt;script&gt;" in page
    _assert_no_raw(page, "the verification page")


def test_security_input_verification_form_escapes_what_was_pasted(app, client, hostile):
    from factories import post

    for pasted in (
        hostile.jws,
        SCRIPT,
        IMG,
        JS_URL,
        f"{BASE}/assertions/{SCRIPT}",
        json.dumps({"id": f"{BASE}/assertions/x", "narrative": SCRIPT}),
    ):
        page = post(client, "/verifier", {"badge": pasted, "email": IMG}, headers=HOST).get_data(as_text=True)
        _assert_no_raw(page, f"the verification result for {pasted[:30]!r}")


def test_security_input_portfolio_escapes_everything(app, client, hostile):
    resp = client.get(f"/p/{hostile.portfolio_token}", headers=HOST)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    _assert_no_raw(page, "the portfolio")


def test_security_input_public_view_escapes_everything(app, client, hostile):
    from issuer import db
    from issuer.models import Learner

    with app.app_context():
        token = db.session().get(Learner, hostile.learner_id).share_token
    resp = client.get(f"/partage/{token}", headers={**BROWSER, **HOST})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "Léa &lt;script&gt;" in page  # the name, with consent, as text
    _assert_no_raw(page, "the public view")


def test_security_input_criteria_page_escapes_tree_markdown(app, client, hostile):
    doc = json.loads(client.get(f"/assertions/{hostile.uid}", headers={**LD_JSON, **HOST}).data)
    badge = json.loads(client.get(doc["badge"][len(BASE) :], headers={**LD_JSON, **HOST}).data)
    resp = client.get(badge["criteria"]["id"][len(BASE) :], headers={**BROWSER, **HOST})
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200
    _assert_no_raw(page, "the criteria page")


def test_security_input_generated_badge_image_escapes_tree_text(app, client, hostile):
    from defusedxml.minidom import parseString

    doc = json.loads(client.get(f"/assertions/{hostile.uid}", headers={**LD_JSON, **HOST}).data)
    resp = client.get(doc["badge"][len(BASE) :] + "/image.svg", headers=HOST)
    assert resp.status_code == 200
    svg = parseString(resp.data)  # well-formed, and served from our origin: no script may run
    assert not svg.getElementsByTagName("script")
    assert "&lt;script&gt;" in resp.get_data(as_text=True)


def test_security_input_evidence_link_must_be_http():
    from issuer.awarding.service import Evidence, check_evidence
    from issuer.errors import Refused

    for url in (JS_URL, "JavaScript:alert(1)", "data:text/html,<script>", "//evil.example", "vbscript:x"):
        with pytest.raises(Refused):
            check_evidence(Evidence("Observé.", url=url))


# ---- Personal data stays out of public documents and URLs ------------------------------------

EMAIL, NOTES, NAME = "camille.secret@example.org", "NOTE-PRIVEE-42 suivi social", "Camille-Secrete"


@pytest.fixture
def private_learner(app):
    """A learner who did not consent to show their name, with an email and private notes."""
    from issuer import db
    from issuer.models import Learner

    given = award(app, name=NAME, email=EMAIL, name_public=False)
    with app.app_context():
        session = db.session()
        session.get(Learner, given.learner_id).notes = NOTES
        session.commit()
    return given


def _public_answers(client, given) -> dict[str, str]:
    """Every public answer about this badge: JSON-LD, the API, the verification pages, the URLs."""
    ld = {**LD_JSON, **HOST}
    doc = json.loads(client.get(f"/assertions/{given.uid}", headers=ld).data)
    answers = {
        "urls": " ".join(
            [given.url, f"{BASE}/p/{given.portfolio_token}", f"{BASE}/destinataires/{given.recipient_token}"]
        ),
        "assertion": client.get(f"/assertions/{given.uid}", headers=ld).get_data(as_text=True),
        # A revoked assertion no longer names its badge class: then there is none to fetch.
        "badge class": client.get(doc["badge"][len(BASE) :], headers=ld).get_data(as_text=True)
        if "badge" in doc
        else "",
        "issuer": client.get("/issuer", headers=ld).get_data(as_text=True),
        "revocations": client.get("/revocations", headers=ld).get_data(as_text=True),
        "recipient": client.get(f"/destinataires/{given.recipient_token}", headers=ld).get_data(as_text=True),
        "api": client.post("/api/verify", json={"badge": given.jws}, headers=HOST).get_data(as_text=True),
        "jws payload": base64.urlsafe_b64decode(given.jws.split(".")[1] + "==").decode(),
        "verification page": client.get(f"/assertions/{given.uid}", headers={**BROWSER, **HOST}).get_data(
            as_text=True
        ),
        "openapi": client.get("/openapi.json", headers=HOST).get_data(as_text=True),
    }
    return answers


def test_security_input_no_personal_data_in_public_documents(app, client, private_learner):
    for where, body in _public_answers(client, private_learner).items():
        for secret in (EMAIL, EMAIL.split("@")[0], NOTES, "NOTE-PRIVEE", NAME):
            assert secret not in body, f"{secret!r} is public in {where}"


def test_security_input_no_personal_data_once_revoked(app, client, private_learner):
    from factories import revoke

    revoke(app, private_learner.uid, "Erreur de saisie.")
    for where, body in _public_answers(client, private_learner).items():
        for secret in (EMAIL, NOTES, NAME):
            assert secret not in body, f"{secret!r} is public in {where} after revocation"


# ---- The private key never appears in any answer ---------------------------------------------


def _key_fragments(app) -> list[str]:
    """Distinctive pieces of every private key file: the marker and a few lines of its body."""
    fragments = ["PRIVATE KEY"]
    for path in Path(app.config["KEYS_DIR"]).rglob("*"):
        if path.is_file():
            lines = [ln for ln in path.read_text(errors="replace").splitlines() if ln and "-----" not in ln]
            fragments += lines[1:4] + lines[-3:-1]
    assert len(fragments) > 1, "no private key file found to look for"
    return fragments


def _values(app, given, session_id: int, bulk_token: str) -> dict[str, list]:
    """Real values for every URL argument name the app uses (several when a name is shared)."""
    from issuer import db
    from issuer.models import SigningKey, User

    with app.app_context():
        session = db.session()
        kid = session.scalar(select(SigningKey.kid))
        user_id = session.scalar(select(User.id))
        other = make_structure(app, "voisine")  # a second structure, with its own private key
    return {
        "structure_slug": [other],
        "number": [1],
        "learner_id": [given.learner_id],
        "uid": [given.uid],
        "kid": [kid],
        "skill": [given.skill_id],
        "skill_id": [given.skill_id],
        "version": [1],
        "kind": ["png", "svg"],
        "lang": ["fr"],
        "token": [given.portfolio_token, given.recipient_token, bulk_token],
        "session_id": [session_id],
        "user_id": [user_id],
        "filename": ["css/app.css"],
        "code": ["K7QM3XPA", "pas-un-code"],
    }


def _urls(app, values: dict[str, list]) -> list[str]:
    adapter = app.url_map.bind("badges.test")
    urls = []
    for rule in app.url_map.iter_rules():
        # PDFs are left out: their streams are compressed, so searching them proves nothing, they
        # are rendered from data the crawled pages show, and each one costs seconds of WeasyPrint.
        if "GET" not in rule.methods or str(rule).endswith(".pdf"):
            continue
        names = sorted(rule.arguments)
        if any(name not in values for name in names):
            pytest.fail(f"no test value for an argument of {rule}: add it to _values()")
        for combo in itertools.product(*(values[name] for name in names)):
            urls.append(
                adapter.build(rule.endpoint, dict(zip(names, combo, strict=False)), force_external=False)
            )
    return sorted(set(urls))


def _texts(resp) -> list[str]:
    """The answer as text; a zip is opened so that compressed members are searched too."""
    data = resp.get_data()
    texts = [data.decode("latin-1")]
    if data[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            texts += [archive.read(name).decode("latin-1") for name in archive.namelist()]
    return texts


def _session_and_bulk(app, given) -> tuple[int, str]:
    from issuer import db
    from issuer.game_sessions import bulk
    from issuer.models import GameSession, utcnow
    from issuer.runtime import runtime

    with app.app_context():
        session = db.session()
        game = GameSession(
            title="Tournoi", held_on=utcnow(), place="Médiathèque", game="Mario Kart", created_at=utcnow()
        )
        session.add(game)
        session.flush()
        skill = tier_one_skills(app)[1]
        bulk.bulk_award(
            session,
            runtime(),
            rows=[bulk.BulkRow(1, str(given.learner_id), skill, "Observé.")],
            actor=None,
            now=utcnow(),
            token="tournoi-cle",
            session_id=game.id,
        )
        session.commit()
        return game.id, "tournoi-cle"


@pytest.mark.parametrize("who", ["anonymous", "admin"])
def test_security_input_private_key_never_in_any_get_answer(app, client, who):
    given = award(app)
    session_id, bulk_token = _session_and_bulk(app, given)
    if who == "admin":
        login_admin(client)
    fragments = _key_fragments(app)
    urls = _urls(app, _values(app, given, session_id, bulk_token))
    assert len(urls) > 20
    errors = []
    for url in urls:
        resp = client.get(url, headers=HOST)
        for text in _texts(resp):
            for fragment in fragments:
                assert fragment not in text, f"private key material in GET {url}"
        if resp.status_code >= 500:
            errors.append(f"{url} -> {resp.status_code}")
    assert not errors, "GET routes answering a server error: " + ", ".join(errors)


# ---- Hostile text that is valid JSON ----------------------------------------------------------


@pytest.mark.parametrize(
    "badge",
    [
        "http://badges.test/assertions/\ud800",
        {"id": "http://badges.test/assertions/\udfff", "type": "Assertion"},
    ],
    ids=["url", "json"],
)
def test_security_input_lone_surrogate_is_unreadable_not_an_outage(client, badge):
    # "\ud800" is legal JSON; it must read as a bad badge, not as a database that is down.
    body = json.dumps({"badge": badge})  # ensure_ascii keeps the escape as the wire form
    resp = client.post("/api/verify", data=body, content_type="application/json", headers=HOST)
    assert resp.status_code == 200
    assert resp.get_json()["verdict"] == "unreadable"


def test_security_input_lone_surrogate_in_a_real_badge_is_invalid_not_an_outage(app, client):
    given = award(app)
    doc = json.loads(client.get(f"/assertions/{given.uid}", headers={**LD_JSON, **HOST}).data)
    doc["narrative"] = "\udcff"
    # The badge is pasted as JSON text, so the escape is decoded only by the verifier.
    resp = client.post("/api/verify", json={"badge": json.dumps(doc)}, headers=HOST)
    assert resp.status_code == 200
    assert resp.get_json()["verdict"] == "invalid"  # it reads, and differs from what was issued


# Any character, with lone surrogates, controls and quotes made frequent: they are what broke.
_ANY_CHAR = st.one_of(
    st.characters(categories=("L", "M", "N", "P", "S", "Z", "Cc", "Cf", "Cs")),
    st.sampled_from("\ud800\udcff\udfff\x00\x01\u2028\ufffe<>\"'\\"),
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(_ANY_CHAR, max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(_ANY_CHAR, max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)


def _badge_shapes(uid: str):
    """Random text and JSON, alone or grafted on one of our real assertion ids."""
    ours = f"{BASE}/assertions/{uid}"
    return st.one_of(
        st.text(_ANY_CHAR, min_size=1, max_size=200),
        st.builds(lambda tail: ours + tail, st.text(_ANY_CHAR, max_size=20)),
        st.dictionaries(st.text(_ANY_CHAR, max_size=10), _JSON, max_size=5).map(lambda d: {**d, "id": ours}),
        st.dictionaries(st.text(_ANY_CHAR, max_size=10), _JSON, max_size=5).map(
            lambda d: json.dumps({**d, "id": ours})
        ),
    )


def test_security_input_random_badges_never_read_as_an_outage(app, client):
    """With a healthy database, no input may answer « momentanément impossible » (or a 5xx)."""
    from issuer.web import security

    app.extensions[security.LIMITER].enabled = False  # hundreds of posts: the limit is not under test
    given = award(app)

    @given_(badge=_badge_shapes(given.uid))
    @settings(max_examples=60, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(badge):
        resp = client.post(
            "/api/verify", data=json.dumps({"badge": badge}), content_type="application/json", headers=HOST
        )
        assert resp.status_code in (200, 400), resp.get_data(as_text=True)[:300]
        if resp.status_code == 200:
            assert resp.get_json()["verdict"] != "unavailable", badge

    check()
