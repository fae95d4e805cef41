"""The leaders' training as first written (English and Spanish); staff edit it in admin afterwards.

{head}, {Head} and {elected} become the campaign's own people when a leader reads it ("the police
chief", "the mayor and city council of Camp Hill, Alabama"): campaigns.asks.leader_text.
"""

STEPS = [
    {
        "slug": "how-287g-works",
        "title_en": "How 287(g) works where you live",
        "title_es": "Cómo funciona el 287(g) donde usted vive",
        "body_en": "The agency in your campaign signed a voluntary agreement with ICE. Read the agreement listed on your campaign page: its model, when it was signed and whether it has an end date. {Head} can end it at any time, in writing, and you can ask {elected} to speak against it.",
        "body_es": "La agencia de su campaña firmó un acuerdo voluntario con ICE. Lea el acuerdo que aparece en la página de su campaña: su modelo, cuándo se firmó y si tiene fecha de vencimiento. {Head} puede terminarlo en cualquier momento, por escrito, y usted puede pedir el apoyo de {elected} para terminarlo.",
    },
    {
        "slug": "gathering-signatures",
        "title_en": "How to gather signatures",
        "title_es": "Cómo reunir firmas",
        "body_en": "Share your campaign link with friends, family, your congregation, school and work lists, and local groups. Use the ready-made posts in your toolkit. Print the flyer with its QR code for community events. Every signer must confirm by email, so remind people to check their inbox.",
        "body_es": "Comparta el enlace de su campaña con amistades, familia, su congregación, listas de la escuela y del trabajo, y grupos locales. Use los mensajes listos de su kit. Imprima el volante con su código QR para eventos comunitarios. Cada firmante debe confirmar por correo electrónico: recuérdeles revisar su bandeja de entrada.",
    },
    {
        "slug": "delivering-safely",
        "title_en": "Delivering the petition safely",
        "title_es": "Entregar la petición con seguridad",
        "body_en": "At 200 signatures, plan the delivery with a few community members. Go together, in daylight, to the public office of {head}. Say who you are, that you are delivering a petition from the community, and ask for a dated receipt. Nobody should go who could be put at risk by contact with law enforcement.",
        "body_es": "Al llegar a 200 firmas, planee la entrega con algunas personas de la comunidad. Vayan juntos, de día, a la oficina pública de {head}. Digan quiénes son, que entregan una petición de la comunidad y pidan un recibo con fecha. No debe ir nadie a quien el contacto con la policía pueda poner en riesgo.",
    },
    {
        "slug": "keeping-signers-safe",
        "title_en": "Keeping signers safe",
        "title_es": "Proteger a quienes firman",
        "body_en": "Signers choose what {head} may see; the default is only the count. Never collect anyone's immigration status, address or phone number. Do not post photos of signers without their consent. Paper sheets stay with you until you enter them, then keep them somewhere safe or destroy them.",
        "body_es": "Quienes firman eligen qué puede ver {head}; la opción predeterminada es solo el conteo. Nunca pida el estatus migratorio, la dirección ni el teléfono de nadie. No publique fotos de firmantes sin su permiso. Las hojas en papel quedan con usted hasta ingresarlas; después guárdelas en un lugar seguro o destrúyalas.",
    },
]
