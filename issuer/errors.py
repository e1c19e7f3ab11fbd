"""Refusals raised by Palier's services: a code from one enum, its parameters, a French sentence.

Pure: no Flask here. Services raise ``Refused(Code.X, name=...)``; tests check ``exc.code``; the web
layer and the CLI show ``exc.message`` (French), and the web layer translates it for other languages.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any


def N_(text: str) -> str:
    """Mark a sentence for translation without translating it here (pybabel keyword ``N_``)."""
    return text


class Code(StrEnum):
    """Every reason a service may refuse, as a stable code for machines and tests."""

    # accounts
    INVALID_EMAIL = "invalid_email"
    PASSWORD_TOO_SHORT = "password_too_short"
    PASSWORD_TOO_LONG = "password_too_long"
    NAME_REQUIRED = "name_required"
    UNKNOWN_ROLE = "unknown_role"
    ACCOUNT_EXISTS = "account_exists"
    NO_SUCH_ACCOUNT = "no_such_account"
    CANNOT_DISABLE_SELF = "cannot_disable_self"
    # learners
    LEARNER_NAME_REQUIRED = "learner_name_required"
    LEARNER_NAME_TOO_LONG = "learner_name_too_long"
    UNKNOWN_AGE_BAND = "unknown_age_band"
    NOTES_TOO_LONG = "notes_too_long"
    NO_SUCH_LEARNER = "no_such_learner"
    LINK_ALREADY_DISABLED = "link_already_disabled"
    LINK_INVALID = "link_invalid"
    SHARE_ALREADY_DISABLED = "share_already_disabled"
    # awarding
    EVIDENCE_REQUIRED = "evidence_required"
    EVIDENCE_TOO_LONG = "evidence_too_long"
    EVIDENCE_URL_INVALID = "evidence_url_invalid"
    NO_SUCH_SKILL = "no_such_skill"
    ALREADY_EARNED = "already_earned"
    LOCKED = "locked"
    OVERRIDE_ADMIN_ONLY = "override_admin_only"
    NO_SIGNING_KEY = "no_signing_key"
    STATUS_LIST_FULL = "status_list_full"
    CREDENTIAL_UNSIGNABLE = "credential_unsignable"
    SIGNING_KEY_MISSING = "signing_key_missing"
    NO_SUCH_BADGE = "no_such_badge"
    NOT_THEIR_BADGE = "not_their_badge"
    REVOCATION_REASON_REQUIRED = "revocation_reason_required"
    REVOCATION_REASON_TOO_LONG = "revocation_reason_too_long"
    ALREADY_REVOKED = "already_revoked"
    # game sessions and bulk awards
    SESSION_TITLE_REQUIRED = "session_title_required"
    SESSION_FIELDS_TOO_LONG = "session_fields_too_long"
    PARTICIPANT_GONE = "participant_gone"
    NO_SUCH_SESSION = "no_such_session"
    BULK_TOKEN_MISSING = "bulk_token_missing"
    BULK_EMPTY = "bulk_empty"
    BULK_TOO_MANY = "bulk_too_many"
    BULK_ROWS_REFUSED = "bulk_rows_refused"
    LEARNER_UNKNOWN_IN_ROW = "learner_unknown_in_row"
    LEARNER_AMBIGUOUS_IN_ROW = "learner_ambiguous_in_row"
    LEARNER_MISSING_IN_ROW = "learner_missing_in_row"
    LEARNER_NEW_IN_ROW = "learner_new_in_row"
    SKILL_MISSING_IN_ROW = "skill_missing_in_row"
    SKILL_UNKNOWN_SUGGEST = "skill_unknown_suggest"
    AGE_BAND_REQUIRED = "age_band_required"
    HANDOVER_INVALID = "handover_invalid"
    HANDOVER_LINK_OFF = "handover_link_off"
    CSV_TOO_LARGE = "csv_too_large"
    CSV_UNREADABLE = "csv_unreadable"
    CSV_EMPTY = "csv_empty"
    CSV_MISSING_COLUMNS = "csv_missing_columns"
    CSV_TOO_MANY_ROWS = "csv_too_many_rows"
    CSV_BAD_LINE = "csv_bad_line"
    CSV_NO_ROWS = "csv_no_rows"
    # administration
    PROFILE_NAME_REQUIRED = "profile_name_required"
    PROFILE_URL_INVALID = "profile_url_invalid"
    LOGO_EMPTY = "logo_empty"
    LOGO_TOO_LARGE = "logo_too_large"
    LOGO_TOO_BIG = "logo_too_big"
    LOGO_UNREADABLE = "logo_unreadable"
    NO_LOGO = "no_logo"
    # maintenance
    NOT_A_BACKUP = "not_a_backup"
    BACKUP_FORMAT_UNKNOWN = "backup_format_unknown"
    DATABASE_NOT_EMPTY = "database_not_empty"
    BASE_URL_IS_DEFAULT = "base_url_is_default"
    # cahier
    CAHIER_TOO_MANY_BADGES = "cahier_too_many_badges"
    SESSION_HAS_NO_PARTICIPANTS = "session_has_no_participants"
    GROUP_TOO_LARGE = "group_too_large"
    PDF_TIMEOUT = "pdf_timeout"
    PDF_BUSY = "pdf_busy"
    PDF_FAILED = "pdf_failed"
    PDF_MEMORY = "pdf_memory"
    # portfolio
    PORTFOLIO_GONE = "portfolio_gone"
    BADGE_NOT_ON_PAGE = "badge_not_on_page"
    SHARE_GONE = "share_gone"
    # backpack: an e-mail address attached by its owner
    GUARDIAN_CONSENT_REQUIRED = "guardian_consent_required"
    CLAIM_INVALID = "claim_invalid"
    MAIL_NOT_CONFIGURED = "mail_not_configured"
    MAIL_FAILED = "mail_failed"
    # structures and roles
    NOT_ALLOWED = "not_allowed"
    VOLUNTEER_SKILL = "volunteer_skill"
    VOLUNTEER_SESSION = "volunteer_session"
    STRUCTURE_SLUG_INVALID = "structure_slug_invalid"
    STRUCTURE_EXISTS = "structure_exists"
    STRUCTURE_NAME_REQUIRED = "structure_name_required"
    NO_SUCH_STRUCTURE = "no_such_structure"
    ENDORSE_OWN = "endorse_own"
    NETWORK_LINK_INVALID = "network_link_invalid"
    ENDORSE_NOTHING_PUBLISHED = "endorse_nothing_published"
    ENDORSE_TWICE = "endorse_twice"
    ENDORSE_COMMENT_REQUIRED = "endorse_comment_required"
    # the award API for machines, and tournament files
    API_TOKEN_MISSING, API_TOKEN_INVALID = "token_missing", "token_invalid"
    API_SCOPE_MISSING, API_SKILL_NOT_ALLOWED = "scope_missing", "skill_not_allowed"
    API_REQUEST_INVALID, NO_SUCH_API_TOKEN = "request_invalid", "no_such_api_token"
    IDEMPOTENCY_KEY_REQUIRED, IDEMPOTENCY_KEY_REUSED = "idempotency_key_required", "idempotency_key_reused"
    NO_SUCH_DRAFT, TOURNAMENT_FILE_INVALID = "no_such_draft", "tournament_file_invalid"
    # Discord (their French sentences: issuer/discord/refusals.py)
    DISCORD_SIGNATURE, DISCORD_STALE, DISCORD_GUILD = "discord_signature", "discord_stale", "discord_guild"
    DISCORD_USER, DISCORD_LINK_CODE, DISCORD_CLAIM = "discord_user", "discord_link_code", "discord_claim"
    DISCORD_MINOR, DISCORD_SETTINGS, DISCORD_UNKNOWN = "discord_minor", "discord_settings", "discord_unknown"
    # the web layer
    CONFLICT = "conflict"
    FORM_TOKEN_REUSED = "form_token_reused"
    DATABASE_UNAVAILABLE = "database_unavailable"
    DATABASE_READ_ONLY = "database_read_only"
    DATABASE_FULL = "database_full"
    DATABASE_DAMAGED = "database_damaged"
    STORAGE_UNAVAILABLE = "storage_unavailable"
    UNEXPECTED = "unexpected"


# The French sentence of each code; ``%(name)s`` placeholders take the refusal's parameters.
MESSAGES: dict[Code, str] = {
    Code.INVALID_EMAIL: N_("« %(email)s » n'est pas une adresse e-mail valide."),
    Code.PASSWORD_TOO_SHORT: N_("Le mot de passe doit faire au moins %(min)s caractères."),
    Code.PASSWORD_TOO_LONG: N_("Le mot de passe est trop long."),
    Code.NAME_REQUIRED: N_("Indiquez un nom (120 caractères au plus)."),
    Code.UNKNOWN_ROLE: N_("Rôle inconnu : « mediator » ou « admin »."),
    Code.ACCOUNT_EXISTS: N_("Un compte existe déjà pour %(email)s."),
    Code.NO_SUCH_ACCOUNT: N_("Ce compte n'existe pas."),
    Code.CANNOT_DISABLE_SELF: N_("Vous ne pouvez pas désactiver votre propre compte."),
    Code.LEARNER_NAME_REQUIRED: N_("Indiquez un prénom ou un pseudo."),
    Code.LEARNER_NAME_TOO_LONG: N_("Le prénom ou pseudo fait 80 caractères au plus."),
    Code.UNKNOWN_AGE_BAND: N_("Tranche d'âge inconnue : « under15 », « 15-17 » ou « adult »."),
    Code.NOTES_TOO_LONG: N_("Les notes font 4000 caractères au plus."),
    Code.NO_SUCH_LEARNER: N_("Aucun·e jeune n'a l'identifiant %(id)s."),
    Code.LINK_ALREADY_DISABLED: N_("Ce lien personnel est déjà désactivé."),
    Code.LINK_INVALID: N_("Ce lien personnel n'est pas (ou plus) valide."),
    Code.SHARE_ALREADY_DISABLED: N_("Le lien public est déjà désactivé."),
    Code.EVIDENCE_REQUIRED: N_(
        "Décrivez ce que vous avez observé : un badge se délivre toujours avec une preuve."
    ),
    Code.EVIDENCE_TOO_LONG: N_("La description de la preuve dépasse %(max)s caractères."),
    Code.EVIDENCE_URL_INVALID: N_("Le lien de preuve doit être une adresse web complète (https://…)."),
    Code.NO_SUCH_SKILL: N_("La compétence « %(skill)s » n'existe pas dans l'arbre."),
    Code.ALREADY_EARNED: N_("Ce badge « %(name)s » est déjà obtenu."),
    Code.LOCKED: N_("Le badge « %(name)s » n'est pas encore débloqué. %(why)s"),
    Code.NOT_ALLOWED: N_("Votre rôle dans cette structure ne permet pas cette action."),
    Code.VOLUNTEER_SKILL: N_("En tant que bénévole, vous ne pouvez pas délivrer le badge « %(name)s »."),
    Code.VOLUNTEER_SESSION: N_(
        "En tant que bénévole, vous délivrez des badges seulement lors des séances qui vous sont confiées."
    ),
    Code.STRUCTURE_SLUG_INVALID: N_(
        "L'identifiant d'adresse doit faire de 2 à 40 caractères : lettres minuscules sans accent, "
        "chiffres et tirets (par exemple « tiers-lieu-nord »)."
    ),
    Code.STRUCTURE_EXISTS: N_("Une structure utilise déjà l'identifiant « %(slug)s »."),
    Code.STRUCTURE_NAME_REQUIRED: N_("Donnez le nom de la structure (200 caractères au plus)."),
    Code.NO_SUCH_STRUCTURE: N_("Aucune structure ne porte l'identifiant « %(slug)s »."),
    Code.NETWORK_LINK_INVALID: N_(
        "Ce lien n'est pas le lien public d'un·e jeune dans une autre structure de ce réseau "
        "(il commence par l'adresse de Palier, puis /partage/)."
    ),
    Code.ENDORSE_OWN: N_("Une structure ne reconnaît que les badges des autres structures du réseau."),
    Code.ENDORSE_NOTHING_PUBLISHED: N_(
        "%(structure)s n'a encore délivré aucun badge « %(name)s » : il n'y a rien à reconnaître pour l'instant."
    ),
    Code.ENDORSE_TWICE: N_("Votre structure reconnaît déjà le badge « %(name)s » de %(structure)s."),
    Code.ENDORSE_COMMENT_REQUIRED: N_(
        "Dites en une phrase ce que votre structure reconnaît dans ce badge (1000 caractères au plus)."
    ),
    Code.API_TOKEN_MISSING: N_("Authentification requise : en-tête « Authorization: Bearer <jeton> »."),
    Code.API_TOKEN_INVALID: N_("Ce jeton n'est pas (ou plus) valide : expiré, renouvelé ou retiré."),
    Code.API_SCOPE_MISSING: N_("Ce jeton n'a pas la permission « %(scope)s » : rien n'a été enregistré."),
    Code.API_SKILL_NOT_ALLOWED: N_("Ce jeton ne peut pas délivrer le badge « %(skill)s »."),
    Code.API_REQUEST_INVALID: N_("Requête incorrecte : %(detail)s Rien n'a été enregistré."),
    Code.NO_SUCH_API_TOKEN: N_("Ce jeton n'existe pas dans cette structure."),
    Code.IDEMPOTENCY_KEY_REQUIRED: N_(
        "En-tête « Idempotency-Key » requis : 1 à 64 lettres, chiffres, - ou _."
    ),
    Code.IDEMPOTENCY_KEY_REUSED: N_(
        "Cette Idempotency-Key a servi à une autre requête : rien n'a été enregistré."
    ),
    Code.NO_SUCH_DRAFT: N_("Cette proposition de badge n'existe pas ou a déjà été traitée."),
    Code.TOURNAMENT_FILE_INVALID: N_("Fichier de résultats refusé, rien n'a été enregistré : %(detail)s"),
    Code.OVERRIDE_ADMIN_ONLY: N_("Seul·e un·e administrateur·rice peut passer outre les prérequis."),
    Code.CREDENTIAL_UNSIGNABLE: N_(
        "Ce badge ne peut pas être délivré au format Open Badges 3.0 : %(reason)s Rien n'a été enregistré."
    ),
    Code.STATUS_LIST_FULL: N_(
        "La liste de révocation Open Badges 3.0 de cette structure est pleine : aucun badge ne peut être "
        "délivré. Rien n'a été enregistré. Prévenez l'administrateur·rice de l'instance."
    ),
    Code.NO_SIGNING_KEY: N_("Aucune clé de signature : lancez « palier init » avant de délivrer des badges."),
    Code.SIGNING_KEY_MISSING: N_(
        "La clé de signature %(kid)s est introuvable dans le dossier des clés (%(folder)s) : aucun badge ne "
        "peut être délivré tant qu'elle manque. Rien n'a été enregistré. Restaurez ce fichier depuis votre "
        "sauvegarde des clés, ou, s'il est perdu, créez-en une nouvelle avec « palier key rotate » (les "
        "badges déjà délivrés restent vérifiables)."
    ),
    Code.NO_SUCH_BADGE: N_("Aucun badge délivré ici ne correspond à « %(ref)s »."),
    Code.NOT_THEIR_BADGE: N_("Ce badge n'appartient pas à cette personne."),
    Code.REVOCATION_REASON_REQUIRED: N_(
        "Indiquez la raison de la révocation : elle sera affichée à qui vérifie le badge."
    ),
    Code.REVOCATION_REASON_TOO_LONG: N_("La raison de la révocation dépasse 500 caractères."),
    Code.ALREADY_REVOKED: N_("Ce badge est déjà révoqué."),
    Code.SESSION_TITLE_REQUIRED: N_("Donnez un titre à la séance."),
    Code.SESSION_FIELDS_TOO_LONG: N_("Titre, lieu et jeu font 160 caractères au plus."),
    Code.PARTICIPANT_GONE: N_("Un·e des participant·es choisi·es n'existe plus : rechargez la page."),
    Code.NO_SUCH_SESSION: N_("Aucune séance n'a l'identifiant %(id)s."),
    Code.BULK_TOKEN_MISSING: N_("Jeton de requête manquant : rechargez la page puis renvoyez."),
    Code.BULK_EMPTY: N_("Aucune ligne à traiter : choisissez au moins un·e jeune."),
    Code.BULK_TOO_MANY: N_("Au plus %(max)s badges à la fois."),
    Code.BULK_ROWS_REFUSED: N_(
        "Lignes en erreur : %(count)s. Aucun badge n'a été délivré ; corrigez puis renvoyez."
    ),
    Code.LEARNER_UNKNOWN_IN_ROW: N_("Aucun·e jeune ne correspond à « %(ref)s »."),
    Code.LEARNER_AMBIGUOUS_IN_ROW: N_(
        "Plusieurs jeunes s'appellent « %(ref)s » : utilisez leur identifiant."
    ),
    Code.LEARNER_MISSING_IN_ROW: N_("Le pseudo du joueur ou de la joueuse manque sur cette ligne."),
    Code.LEARNER_NEW_IN_ROW: N_(
        "« %(ref)s » n'a pas encore de fiche : cochez « Créer les fiches des nouveaux participant·es » pour l'ajouter."
    ),
    Code.SKILL_MISSING_IN_ROW: N_("Le nom du badge manque sur cette ligne."),
    Code.SKILL_UNKNOWN_SUGGEST: N_(
        "Aucun badge ne s'appelle « %(ref)s ». Vouliez-vous dire « %(suggestion)s » ?"
    ),
    Code.AGE_BAND_REQUIRED: N_("Choisissez la tranche d'âge des nouveaux participant·es."),
    Code.HANDOVER_INVALID: N_(
        "Ce code ne marche pas : il a peut-être déjà servi, expiré (il vaut quelques minutes) ou été mal "
        "recopié. Demandez un nouveau code à votre médiateur ou à votre médiatrice."
    ),
    Code.HANDOVER_LINK_OFF: N_(
        "Le lien personnel de cette personne est désactivé : créez-en un nouveau sur sa fiche pour lui remettre ses badges."
    ),
    Code.CSV_TOO_LARGE: N_("Le fichier CSV dépasse %(max)s Kio."),
    Code.CSV_UNREADABLE: N_("Ce fichier n'est pas un CSV lisible."),
    Code.CSV_EMPTY: N_("Le fichier CSV est vide ou illisible."),
    Code.CSV_MISSING_COLUMNS: N_(
        "Colonnes manquantes dans le CSV : %(missing)s. La première ligne doit nommer les colonnes : "
        "jeune;competence;observation;lien"
    ),
    Code.CSV_TOO_MANY_ROWS: N_("Au plus %(max)s lignes par fichier."),
    Code.CSV_BAD_LINE: N_("Ligne %(line)s du CSV illisible : %(detail)s."),
    Code.CSV_NO_ROWS: N_("Le fichier CSV ne contient aucune ligne de résultat."),
    Code.PROFILE_NAME_REQUIRED: N_("Indiquez le nom de la structure (200 caractères au plus)."),
    Code.PROFILE_URL_INVALID: N_("L'adresse du site de la structure doit commencer par https://."),
    Code.LOGO_EMPTY: N_("Le fichier du logo est vide."),
    Code.LOGO_TOO_LARGE: N_("Le logo dépasse 1 Mo : réduisez-le avant de l'envoyer."),
    Code.LOGO_TOO_BIG: N_("Le logo est trop grand (4096 × 4096 pixels au plus)."),
    Code.LOGO_UNREADABLE: N_("Ce fichier n'est pas une image lisible (PNG, JPEG, WebP ou GIF)."),
    Code.NO_LOGO: N_("Aucun logo enregistré."),
    Code.NOT_A_BACKUP: N_("Ce fichier n'est pas une sauvegarde Palier."),
    Code.BACKUP_FORMAT_UNKNOWN: N_("Ce fichier n'est pas une sauvegarde Palier (format inconnu)."),
    Code.DATABASE_NOT_EMPTY: N_("La base n'est pas vide : restaurez dans une nouvelle instance."),
    Code.BASE_URL_IS_DEFAULT: N_(
        "Cette base a été créée pour l'adresse %(recorded)s, mais l'adresse publique configurée est celle "
        "par défaut (%(configured)s) : PALIER_BASE_URL n'est sans doute pas réglée ici. Les identifiants "
        "de badges sont permanents ; ils seraient créés sur le mauvais hôte. Rien n'a été fait. Réglez "
        "PALIER_BASE_URL=%(recorded)s (ou BASE_URL dans instance/config.py), puis relancez la commande.%(hint)s"
    ),
    Code.CAHIER_TOO_MANY_BADGES: N_(
        "Ce cahier compte %(count)s badges : l'impression est limitée à %(max)s."
    ),
    Code.SESSION_HAS_NO_PARTICIPANTS: N_(
        "Cette séance n'a aucun·e participant·e : il n'y a pas de cahier à imprimer."
    ),
    Code.GROUP_TOO_LARGE: N_(
        "Cette séance compte %(count)s participant·es : l'impression groupée est limitée à %(max)s. "
        "Imprimez les cahiers depuis la fiche de chaque jeune."
    ),
    Code.PDF_TIMEOUT: N_(
        "La création du PDF a pris trop de temps et a été interrompue. Réessayez dans un moment ; si cela "
        "recommence, imprimez moins de cahiers à la fois."
    ),
    Code.PDF_BUSY: N_("D'autres PDF sont en cours de création. Réessayez dans quelques secondes."),
    Code.PDF_FAILED: N_(
        "Le PDF n'a pas pu être créé. Réessayez ; si cela recommence, prévenez l'administrateur·rice."
    ),
    Code.PDF_MEMORY: N_(
        "Le PDF demandait trop de mémoire et a été interrompu ; imprimez moins de cahiers à la fois."
    ),
    Code.PORTFOLIO_GONE: N_(
        "Cette page n'existe pas ou plus. Si votre lien a été renouvelé, demandez le nouveau à votre "
        "médiateur ou médiatrice."
    ),
    Code.BADGE_NOT_ON_PAGE: N_("Ce badge ne fait pas (ou plus) partie de cette page."),
    Code.SHARE_GONE: N_(
        "Ce lien de partage n'existe pas ou plus : la personne l'a peut-être changé ou désactivé. Chaque "
        "badge reste vérifiable depuis son propre QR code ou sa propre adresse."
    ),
    Code.CONFLICT: N_(
        "Cette action vient d'être enregistrée par une autre requête (double envoi ?). "
        "Rechargez la page pour voir où en sont les choses."
    ),
    Code.FORM_TOKEN_REUSED: N_(
        "Ce formulaire a déjà été envoyé avec un autre contenu : rien n'a été enregistré. "
        "Rechargez la page, puis recommencez."
    ),
    Code.DATABASE_UNAVAILABLE: N_("La base de données ne répond pas ; rien n'a été enregistré. Réessayez."),
    Code.DATABASE_READ_ONLY: N_(
        "La base de données n'accepte plus d'écriture (disque ou fichier en lecture seule) : rien n'a été "
        "enregistré. Prévenez l'administrateur·rice ; la consultation et la vérification des badges continuent."
    ),
    Code.DATABASE_FULL: N_(
        "Le disque du serveur est plein : rien n'a été enregistré. Prévenez l'administrateur·rice ; la "
        "consultation et la vérification des badges continuent."
    ),
    Code.DATABASE_DAMAGED: N_(
        "La base de données est endommagée : rien n'a été enregistré. L'administrateur·rice peut lancer "
        "« palier check » pour voir ce qui reste lisible, puis « palier backup --salvage »."
    ),
    Code.STORAGE_UNAVAILABLE: N_(
        "Un fichier du serveur est inaccessible : rien n'a été enregistré. Réessayez dans un moment ; si cela "
        "recommence, prévenez l'administrateur·rice."
    ),
    Code.GUARDIAN_CONSENT_REQUIRED: N_(
        "Avant 15 ans, un parent ou la personne qui a l'autorité parentale doit donner son accord : "
        "cochez la case qui le confirme."
    ),
    Code.CLAIM_INVALID: N_(
        "Ce lien de confirmation n'est pas (ou plus) valide : il ne sert qu'une fois, pendant 48 heures. "
        "Demandez-en un nouveau depuis votre page personnelle."
    ),
    Code.MAIL_NOT_CONFIGURED: N_(
        "L'envoi d'e-mails n'est pas configuré sur ce Palier : rien n'a été enregistré. Vos badges restent "
        "téléchargeables depuis votre page ; parlez-en à votre médiateur ou médiatrice."
    ),
    Code.MAIL_FAILED: N_(
        "L'e-mail de confirmation n'a pas pu partir : rien n'a été enregistré. Réessayez dans un moment."
    ),
    Code.UNEXPECTED: N_(
        "Une erreur inattendue s'est produite. Rien n'a été enregistré à moitié ; réessayez."
    ),
}


class PalierError(Exception):
    """A refusal: nothing was changed. ``code`` says why; ``message`` says it in French."""

    status = 400

    def __init__(self, code: Code, /, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(self.message)

    @property
    def template(self) -> str:
        """The French sentence with its placeholders, as the translation catalogues know it."""
        return MESSAGES[self.code]

    @property
    def message(self) -> str:
        """The refusal in French, its parameters filled in."""
        return self.template % self.params if self.params else self.template


class NotFound(PalierError):
    """The thing asked for does not exist (or no longer does)."""

    status = 404


class Refused(PalierError):
    """The request is understood but not allowed by the rules (locked skill, already earned...)."""

    status = 409


class Unavailable(PalierError):
    """The database, a file or the PDF renderer cannot do it right now."""

    status = 503
