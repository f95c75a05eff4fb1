"""Espacios de nombres y tipos de relación de Office Open XML, tomados de python-docx (no redefinidos)."""

from __future__ import annotations

from docx.opc.constants import NAMESPACE, RELATIONSHIP_TYPE
from docx.oxml.ns import nsmap

W: str = nsmap["w"]
"""WordprocessingML (``w:``)."""
R: str = nsmap["r"]
"""Relaciones dentro de una parte (``r:id``)."""
WP: str = nsmap["wp"]
"""Dibujos de Word (``wp:docPr``)."""
PR: str = NAMESPACE.OPC_RELATIONSHIPS
"""Las partes ``_rels/*.rels``."""
CT: str = NAMESPACE.OPC_CONTENT_TYPES
"""``[Content_Types].xml``."""
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
"""Compatibilidad de marcado (``mc:AlternateContent``): python-docx no lo trae."""

REL_IMAGEN: str = RELATIONSHIP_TYPE.IMAGE
REL_NOTAS_AL_PIE: str = RELATIONSHIP_TYPE.FOOTNOTES
REL_TEMA: str = RELATIONSHIP_TYPE.THEME
REL_MINIATURA: str = RELATIONSHIP_TYPE.THUMBNAIL
REL_XML_PROPIO: str = RELATIONSHIP_TYPE.CUSTOM_XML
REL_ESTILOS_CON_EFECTOS = "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects"
"""Parte de Word 2007 que python-docx no nombra."""
