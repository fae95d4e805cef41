"""The training as first written named the sheriff in every campaign (a police department's
leaders read "Your sheriff signed..."). Steps staff never edited move to the text with {head},
{Head} and {elected}, which each campaign fills with its own people; edited steps stay as staff
wrote them."""

from django.db import migrations

# The first written texts, as seeded before this migration (campaigns/training_content.py then).
OLD = {
    "how-287g-works": {
        "title_en": "How 287(g) works in your county",
        "title_es": "Cómo funciona el 287(g) en su condado",
        "body_en": "Your sheriff signed a voluntary agreement with ICE. Read the agreement listed on your campaign page: its model, when it was signed and whether it has an end date. The sheriff can end it at any time, and local elected officials can speak against it.",
        "body_es": "Su sheriff firmó un acuerdo voluntario con ICE. Lea el acuerdo que aparece en la página de su campaña: su modelo, cuándo se firmó y si tiene fecha de vencimiento. El sheriff puede terminarlo en cualquier momento, y los funcionarios electos locales pueden hablar en contra.",
    },
    "delivering-safely": {
        "body_en": "At 200 signatures, plan the delivery with a few community members. Go together, in daylight, to the sheriff's public office. Say who you are, that you are delivering a petition from the community, and ask for a dated receipt. Nobody should go who could be put at risk by contact with law enforcement.",
        "body_es": "Al llegar a 200 firmas, planee la entrega con algunas personas de la comunidad. Vayan juntos, de día, a la oficina pública del sheriff. Digan quiénes son, que entregan una petición de la comunidad y pidan un recibo con fecha. No debe ir nadie a quien el contacto con la policía pueda poner en riesgo.",
    },
    "keeping-signers-safe": {
        "body_en": "Signers choose what the sheriff may see; the default is only the count. Never collect anyone's immigration status, address or phone number. Do not post photos of signers without their consent. Paper sheets stay with you until you enter them, then keep them somewhere safe or destroy them.",
        "body_es": "Quienes firman eligen qué puede ver el sheriff; lo normal es solo el conteo. Nunca pida el estatus migratorio, la dirección ni el teléfono de nadie. No publique fotos de firmantes sin su permiso. Las hojas en papel quedan con usted hasta ingresarlas; después guárdelas en un lugar seguro o destrúyalas.",
    },
}


def forwards(apps, schema_editor):
    from campaigns.training_content import STEPS

    TrainingStep = apps.get_model("campaigns", "TrainingStep")
    new = {step["slug"]: step for step in STEPS}
    for step in TrainingStep.objects.filter(slug__in=OLD):
        changed = [
            field
            for field, text in OLD[step.slug].items()
            if getattr(step, field) == text and new[step.slug][field] != text
        ]
        for field in changed:
            setattr(step, field, new[step.slug][field])
        if changed:
            step.save(update_fields=changed)


class Migration(migrations.Migration):
    dependencies = [("campaigns", "0007_co_leaders")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
