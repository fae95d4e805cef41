"""The organization's sample petition as first written; staff edit it in admin afterwards.

In the Spanish text, {county} and {agency} carry their article ("el condado de Etowah", "la
Oficina del Sheriff del condado de Etowah"): write "de {county}", and "de el" becomes "del"."""

TITLE_EN = "End the 287(g) contract in {county}"
TITLE_ES = "Pongamos fin al 287(g) en {county}"

BODY_EN = """To {sheriff}, {agency}, and the elected officials of {county}, {state}:

We, residents of {county} and people who care about it, ask you not to renew, and to end, the 287(g) agreement between {agency} and Immigration and Customs Enforcement (ICE).

Under 287(g), local officers act as deportation agents under ICE supervision: they question people about their immigration status, enter their data in ICE's database and hold people for ICE pickup, even when charges are dropped. This leads to racial profiling and civil-rights violations, and it makes whole families afraid to call the police or go to court as witnesses.

Local police should keep our community safe, not do ICE's work. We ask you to end the 287(g) agreement and to tell us publicly that you will not sign a new one."""

BODY_ES = """A {sheriff}, a {agency} y a los funcionarios electos de {county}, {state}:

Nosotros, residentes de {county} y personas a quienes nos importa este lugar, les pedimos que no renueven, y que terminen, el acuerdo 287(g) entre {agency} y el Servicio de Inmigración y Control de Aduanas (ICE).

Con el 287(g), los agentes locales actúan como agentes de deportación bajo la supervisión de ICE: interrogan a las personas sobre su estatus migratorio, ingresan sus datos en la base de datos de ICE y las detienen para que ICE las recoja, incluso cuando se retiran los cargos. Esto causa perfilamiento racial y violaciones de derechos civiles, y hace que familias enteras tengan miedo de llamar a la policía o de ir a la corte como testigos.

La policía local debe mantener segura a nuestra comunidad, no hacer el trabajo de ICE. Les pedimos que terminen el acuerdo 287(g) y que digan públicamente que no firmarán uno nuevo."""

# The Spanish as first written (English place names, "contrato", "A el Sheriff"). seed_content
# moves a template and the unsigned campaigns still showing it to the text above.
PREVIOUS_TITLE_ES = "Pongan fin al contrato 287(g) en {county}"
PREVIOUS_BODY_ES = BODY_ES.replace(
    "A {sheriff}, a {agency} y a los funcionarios", "A {sheriff}, {agency}, y a los funcionarios"
)
