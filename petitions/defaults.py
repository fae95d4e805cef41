"""The organization's sample petition as first written; staff edit it in admin afterwards.

In the Spanish text, {county} and {agency} carry their article ("el condado de Etowah", "la
Oficina del Sheriff del condado de Etowah"): write "de {county}", and "de el" becomes "del".

The current wording reads each campaign's place and ask: {decision_makers} ("the police chief and
the mayor and city council of Foley, Alabama"), {residents} ("people who live in Foley"),
{where} ("Foley", "el condado de Baldwin") and {ask_sentence} (end it, do not renew it, keep it
ended, end it now: campaigns.asks, worded in ASK_SENTENCES below)."""

TITLE_EN = "End 287(g) in {where}"
TITLE_ES = "Pongamos fin al 287(g) en {where}"

BODY_EN = """To {decision_makers}:

We, {residents} and others who care about our community, {ask_sentence}

Under 287(g), local officers act as deportation agents under ICE supervision: they question people about their immigration status, enter their data in ICE's database and hold people for ICE pickup, even when charges are dropped. This leads to racial profiling and civil-rights violations, and it makes whole families afraid to call the police or go to court as witnesses.

Local police should keep our community safe, not do ICE's work. We ask you to tell us publicly that you will not sign a new 287(g) agreement."""

BODY_ES = """A {decision_makers}:

Nosotros, {residents} y otras personas a quienes nos importa nuestra comunidad, {ask_sentence}

Con el 287(g), los agentes locales actúan como agentes de deportación bajo la supervisión de ICE: interrogan a las personas sobre su estatus migratorio, ingresan sus datos en la base de datos de ICE y las detienen para que ICE las recoja, incluso cuando se retiran los cargos. Esto causa perfilamiento racial y violaciones de derechos civiles, y hace que familias enteras tengan miedo de llamar a la policía o de ir a la corte como testigos.

La policía local debe mantener segura a nuestra comunidad, no hacer el trabajo de ICE. Les pedimos que digan públicamente que no firmarán un nuevo acuerdo 287(g)."""

_ICE_EN = "Immigration and Customs Enforcement (ICE)"
_ICE_ES = "el Servicio de Inmigración y Control de Aduanas (ICE)"
# {agency} and {date} are filled in; the sentence follows "We, ..., " in the body.
ASK_SENTENCES = {
    "en": {
        "end": f"ask you to end the 287(g) agreement between {{agency}} and {_ICE_EN}. It has no end date: either party can end it at any time by telling the other in writing.",
        "not_renew": f"ask you not to renew the 287(g) agreement between {{agency}} and {_ICE_EN}, which runs until {{date}}.",
        "keep_ended": f"ask you to keep the 287(g) agreement between {{agency}} and {_ICE_EN} ended, and not to sign a new one.",
        "end_now": f"ask you to end now the 287(g) agreement between {{agency}} and {_ICE_EN}. Its term ran to {{date}} and it was renewed: either party can end it at any time by telling the other in writing.",
    },
    "es": {
        "end": f"les pedimos que terminen el acuerdo 287(g) entre {{agency}} y {_ICE_ES}. No tiene fecha de fin: cualquiera de las partes puede terminarlo en cualquier momento avisando a la otra por escrito.",
        "not_renew": f"les pedimos que no renueven el acuerdo 287(g) entre {{agency}} y {_ICE_ES}, vigente hasta el {{date}}.",
        "keep_ended": f"les pedimos que el acuerdo 287(g) entre {{agency}} y {_ICE_ES} siga terminado y que no firmen uno nuevo.",
        "end_now": f"les pedimos que terminen ya el acuerdo 287(g) entre {{agency}} y {_ICE_ES}. Su plazo llegaba hasta el {{date}} y fue renovado: cualquiera de las partes puede terminarlo en cualquier momento avisando a la otra por escrito.",
    },
}  # fmt: skip

# The second wording (one text for every campaign: "not to renew, and to end"; "residents of"
# a police department). seed_content moves a template and the unsigned campaigns still showing
# it to the wording above; signed texts never change.
SECOND_TITLE_EN = "End the 287(g) contract in {county}"
SECOND_TITLE_ES = "Pongamos fin al 287(g) en {county}"

SECOND_BODY_EN = """To {sheriff}, {agency}, and the elected officials of {county}, {state}:

We, residents of {county} and people who care about it, ask you not to renew, and to end, the 287(g) agreement between {agency} and Immigration and Customs Enforcement (ICE).

Under 287(g), local officers act as deportation agents under ICE supervision: they question people about their immigration status, enter their data in ICE's database and hold people for ICE pickup, even when charges are dropped. This leads to racial profiling and civil-rights violations, and it makes whole families afraid to call the police or go to court as witnesses.

Local police should keep our community safe, not do ICE's work. We ask you to end the 287(g) agreement and to tell us publicly that you will not sign a new one."""

SECOND_BODY_ES = """A {sheriff}, a {agency} y a los funcionarios electos de {county}, {state}:

Nosotros, residentes de {county} y personas a quienes nos importa este lugar, les pedimos que no renueven, y que terminen, el acuerdo 287(g) entre {agency} y el Servicio de Inmigración y Control de Aduanas (ICE).

Con el 287(g), los agentes locales actúan como agentes de deportación bajo la supervisión de ICE: interrogan a las personas sobre su estatus migratorio, ingresan sus datos en la base de datos de ICE y las detienen para que ICE las recoja, incluso cuando se retiran los cargos. Esto causa perfilamiento racial y violaciones de derechos civiles, y hace que familias enteras tengan miedo de llamar a la policía o de ir a la corte como testigos.

La policía local debe mantener segura a nuestra comunidad, no hacer el trabajo de ICE. Les pedimos que terminen el acuerdo 287(g) y que digan públicamente que no firmarán uno nuevo."""

# The Spanish as first written (English place names, "contrato", "A el Sheriff"). seed_content
# moves a template and the unsigned campaigns still showing it to the second wording.
PREVIOUS_TITLE_ES = "Pongan fin al contrato 287(g) en {county}"
PREVIOUS_BODY_ES = SECOND_BODY_ES.replace(
    "A {sheriff}, a {agency} y a los funcionarios", "A {sheriff}, {agency}, y a los funcionarios"
)
