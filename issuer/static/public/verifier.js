/* The verification page of the archive (verifier.html): checks an Open Badge in the browser, from
 * the published files alone, with no server behind them.
 *
 * Given a signed badge (a compact JWS) it checks the RS256 signature with WebCrypto against the key
 * the badge names (its CryptographicKey document, publicKeyPem), that the key belongs to the issuer
 * of the badge, the expiry date and the issuer's revocation list. Given the address of an assertion
 * of this archive, it reads the document there (410: revoked), checks that it is the one of that
 * address, then the same issuer, expiry and revocation checks. Every document must come from the
 * archive itself (the page's origin): a badge naming a key elsewhere is not vouched for here.
 *
 * The same file runs under node (tests/app/test_archive_verifier.py): ``module.exports`` is
 * ``{ verify }`` there, and nothing touches the DOM.
 */
(function () {
  "use strict";

  var JWS_PART = /^[A-Za-z0-9_-]+$/;
  var FORBIDDEN_HEADERS = ["crit", "b64", "jwk", "jku", "x5u", "x5c"];
  var MAX_INPUT = 64 * 1024;
  var LD = "application/ld+json, application/json;q=0.9";

  function Refusal(message) {
    this.message = message;
  }

  function refuse(message) {
    throw new Refusal(message);
  }

  function bytesOfBase64Url(part, what) {
    var b64 = part.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var text;
    try {
      text = atob(b64);
    } catch (e) {
      refuse(what + " du badge signé est illisible.");
    }
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function jsonOf(bytes, what) {
    var value;
    try {
      value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
    } catch (e) {
      refuse(what + " du badge signé n'est pas du JSON lisible.");
    }
    if (!value || typeof value !== "object" || Array.isArray(value)) refuse(what + " du badge signé n'est pas un objet JSON.");
    return value;
  }

  function ascii(text) {
    var bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }

  function pemToDer(pem) {
    if (typeof pem !== "string" || pem.indexOf("-----BEGIN PUBLIC KEY-----") < 0) {
      refuse("La clé publique de l'émetteur est illisible dans l'archive.");
    }
    var body = pem.replace(/-----(BEGIN|END) PUBLIC KEY-----/g, "").replace(/\s+/g, "");
    return bytesOfBase64Url(body.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""), "La clé publique");
  }

  function frenchDate(value) {
    var date = new Date(value);
    if (isNaN(date.getTime())) return null;
    return date.toLocaleDateString("fr-FR", { day: "numeric", month: "long", year: "numeric", timeZone: "Europe/Paris" });
  }

  // An address of this archive (same origin as the page), or a refusal naming what it was for.
  function ours(url, origin, what) {
    var parsed;
    try {
      parsed = new URL(String(url));
    } catch (e) {
      refuse(what + " n'est pas une adresse lisible.");
    }
    if (parsed.origin !== origin) {
      refuse(what + " (" + parsed.href + ") n'est pas une adresse de cette archive : elle ne peut pas le vérifier.");
    }
    return parsed.href;
  }

  function fetcher(fetchImpl) {
    return function (url, what) {
      return fetchImpl(url, { headers: { Accept: LD }, credentials: "omit", redirect: "error" }).then(
        function (resp) {
          if (resp.status === 410) {
            return resp.json().then(
              function (body) {
                return { gone: true, body: body };
              },
              function () {
                return { gone: true, body: {} };
              }
            );
          }
          if (resp.status === 404) refuse(what + " est introuvable dans cette archive.");
          if (!resp.ok) refuse(what + " n'a pas pu être lu (réponse " + resp.status + ").");
          return resp.json().then(
            function (body) {
              if (!body || typeof body !== "object") refuse(what + " n'est pas un document lisible.");
              return { gone: false, body: body };
            },
            function () {
              refuse(what + " n'est pas un document JSON lisible.");
            }
          );
        },
        function () {
          refuse(what + " n'a pas pu être lu : l'archive ne répond pas.");
        }
      );
    };
  }

  function idOf(value) {
    if (typeof value === "string") return value;
    if (value && typeof value === "object" && typeof value.id === "string") return value.id;
    return null;
  }

  function listOf(value) {
    if (value === undefined || value === null) return [];
    return Array.isArray(value) ? value : [value];
  }

  function readJws(token) {
    var parts = token.split(".");
    if (parts.length !== 3 || !parts.every(function (p) { return JWS_PART.test(p); })) {
      refuse("Ce texte n'est ni un badge signé ni une adresse de badge.");
    }
    var header = jsonOf(bytesOfBase64Url(parts[0], "L'en-tête"), "L'en-tête");
    if (header.alg !== "RS256") refuse("Ce badge est signé avec un algorithme que Palier n'emploie pas (seul RS256 est accepté).");
    FORBIDDEN_HEADERS.forEach(function (name) {
      if (Object.prototype.hasOwnProperty.call(header, name)) refuse("L'en-tête du badge signé contient «\u00a0" + name + "\u00a0», refusé.");
    });
    return {
      payload: jsonOf(bytesOfBase64Url(parts[1], "Le contenu"), "Le contenu"),
      signed: ascii(parts[0] + "." + parts[1]),
      signature: bytesOfBase64Url(parts[2], "La signature"),
    };
  }

  // The badge class, its issuer, expiry and revocation: what a signed and a hosted badge share.
  function checkIssuer(assertion, get, origin, now) {
    var facts = {};
    return get(ours(idOf(assertion.badge), origin, "Le badge"), "Le badge")
      .then(function (badge) {
        facts.badge = badge.body;
        return get(ours(idOf(badge.body.issuer), origin, "L'émetteur du badge"), "L'émetteur du badge");
      })
      .then(function (issuer) {
        facts.issuer = issuer.body;
        if (assertion.expires) {
          var expires = new Date(assertion.expires);
          if (isNaN(expires.getTime())) refuse("La date d'expiration du badge est illisible.");
          if (expires.getTime() <= now.getTime()) {
            facts.expired = frenchDate(assertion.expires);
          }
        }
        var list = idOf(issuer.body.revocationList);
        if (!list) return { body: { revokedAssertions: [] } };
        return get(ours(list, origin, "La liste des badges révoqués"), "La liste des badges révoqués");
      })
      .then(function (list) {
        listOf(list.body.revokedAssertions).forEach(function (entry) {
          if (idOf(entry) === assertion.id) {
            facts.revoked = { reason: (entry && entry.revocationReason) || null };
          }
        });
        return facts;
      });
  }

  function verdictOf(assertion, facts) {
    var name = (facts.badge && facts.badge.name) || "ce badge";
    var issuer = (facts.issuer && facts.issuer.name) || "son émetteur";
    var issued = frenchDate(assertion.issuedOn);
    var about = "«\u00a0" + name + "\u00a0», délivré par " + issuer + (issued ? " le " + issued : "");
    if (facts.revoked) {
      return {
        verdict: "revoque",
        title: "Badge révoqué",
        message: "Le badge " + about + " a été révoqué par son émetteur : il ne vaut plus." +
          (facts.revoked.reason ? " Raison donnée : " + facts.revoked.reason : ""),
      };
    }
    if (facts.expired) {
      return {
        verdict: "expire",
        title: "Badge expiré",
        message: "Le badge " + about + " est authentique, mais il a expiré le " + facts.expired + ".",
      };
    }
    return {
      verdict: "valide",
      title: "Badge valide",
      message: "Le badge " + about + " est authentique : " + facts.how + ", et il n'a pas été révoqué.",
      badge: name,
      issuer: issuer,
    };
  }

  function verifySigned(token, get, subtle, origin, now) {
    var jws = readJws(token);
    var assertion = jws.payload;
    if (typeof assertion.id !== "string") refuse("Le badge signé ne dit pas son adresse (id).");
    var verification = assertion.verification || {};
    var creator = ours(verification.creator, origin, "La clé qui a signé le badge");
    var keyDoc;
    return get(creator, "La clé qui a signé le badge")
      .then(function (found) {
        keyDoc = found.body;
        if (keyDoc.id !== creator) refuse("Le document de la clé ne porte pas l'adresse que nomme le badge.");
        return subtle.importKey(
          "spki",
          pemToDer(keyDoc.publicKeyPem),
          { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
          false,
          ["verify"]
        ).catch(function () {
          refuse("La clé publique de l'émetteur est illisible dans l'archive.");
        });
      })
      .then(function (key) {
        return subtle.verify({ name: "RSASSA-PKCS1-v1_5" }, key, jws.signature, jws.signed);
      })
      .then(function (good) {
        if (!good) refuse("La signature ne correspond pas : ce badge a été modifié, ou il n'a pas été signé par cette clé.");
        return checkIssuer(assertion, get, origin, now);
      })
      .then(function (facts) {
        var owner = idOf(keyDoc.owner);
        var keys = listOf(facts.issuer.publicKey).map(idOf);
        if (owner !== facts.issuer.id || keys.indexOf(creator) < 0) {
          refuse("La clé qui a signé ce badge n'appartient pas à l'émetteur du badge.");
        }
        facts.how = "sa signature a été vérifiée avec la clé publique de l'émetteur";
        return verdictOf(assertion, facts);
      });
  }

  function verifyHosted(address, get, origin, now) {
    var url = ours(address, origin, "L'adresse du badge");
    var path = new URL(url).pathname;
    if (!/^(?:\/s\/[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?)?\/assertions\/[A-Za-z0-9_-]{1,36}(?:\.json)?$/.test(path)) {
      refuse("Cette adresse n'est pas celle d'un badge délivré (…/assertions/…).");
    }
    url = url.split("?")[0].split("#")[0].replace(/\.json$/, "");
    return get(url, "Le badge").then(function (found) {
      var assertion = found.body;
      if (found.gone || assertion.revoked === true) {
        return {
          verdict: "revoque",
          title: "Badge révoqué",
          message: "Ce badge a été révoqué par son émetteur : il ne vaut plus." +
            (assertion.revocationReason ? " Raison donnée : " + assertion.revocationReason : ""),
        };
      }
      if (assertion.id !== url) refuse("Le document trouvé à cette adresse n'est pas celui du badge qu'elle nomme.");
      var verification = assertion.verification || {};
      if (verification.type !== "hosted" && verification.type !== "HostedBadge") {
        refuse("Ce badge ne se vérifie pas à son adresse.");
      }
      return checkIssuer(assertion, get, origin, now).then(function (facts) {
        if (new URL(url).origin !== new URL(facts.issuer.id).origin) {
          refuse("Ce badge n'est pas publié à l'adresse de son émetteur.");
        }
        facts.how = "il est publié à son adresse, chez son émetteur";
        return verdictOf(assertion, facts);
      });
    });
  }

  /* Check ``input`` (a compact JWS, or the address of an assertion of the archive at ``origin``).
   * Resolves to { verdict: "valide" | "revoque" | "expire" | "invalide", title, message }: never
   * rejects. ``options``: fetch, subtle (WebCrypto), origin, now (a Date), as the page gives them. */
  function verify(input, options) {
    var get = fetcher(options.fetch);
    var now = options.now || new Date();
    var text = String(input || "").trim();
    return Promise.resolve()
      .then(function () {
        if (!text) refuse("Collez un badge signé ou l'adresse d'un badge.");
        if (text.length > MAX_INPUT) refuse("Ce texte est bien trop long pour être un badge.");
        if (/^https?:\/\//i.test(text)) return verifyHosted(text, get, options.origin, now);
        if (!options.subtle) refuse("Ce navigateur ne sait pas vérifier une signature (il faut une page en https).");
        return verifySigned(text, get, options.subtle, options.origin, now);
      })
      .catch(function (error) {
        var message = error instanceof Refusal ? error.message : "Ce badge n'a pas pu être vérifié.";
        return { verdict: "invalide", title: "Badge non valide", message: message };
      });
  }

  if (typeof module !== "undefined" && module.exports) {
    module.exports = { verify: verify };
  }

  if (typeof document === "undefined") return;

  function show(result) {
    var box = document.getElementById("archive-verdict");
    if (!box) return;
    box.hidden = false;
    box.className = "verdict verdict--" + ({ valide: "ok", expire: "warn" }[result.verdict] || "bad");
    document.getElementById("archive-verdict-icon").textContent = { valide: "✓", expire: "⌛" }[result.verdict] || "✗";
    var title = document.getElementById("archive-verdict-title");
    var message = document.getElementById("archive-verdict-message");
    title.textContent = result.title;
    message.textContent = result.message;
    box.focus();
  }

  function start() {
    var form = document.getElementById("archive-form");
    if (!form) return;
    var field = document.getElementById("archive-input");
    var button = form.querySelector("button");
    var params = new URLSearchParams(window.location.search);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      button.disabled = true;
      verify(field.value, {
        fetch: window.fetch.bind(window),
        subtle: window.crypto && window.crypto.subtle,
        origin: window.location.origin,
        now: new Date(),
      }).then(function (result) {
        button.disabled = false;
        show(result);
      });
    });
    if (params.get("badge")) {
      field.value = params.get("badge");
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit"));
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
