"""Esquema de la ficha 4202000-FT-1311, campo por campo y en el orden del formato."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from .comun import (
    LISTA_DE_LINEAS,
    Correo,
    Fecha,
    Modelo,
    RutaArchivo,
    Telefono,
    Texto,
    TextoObligatorio,
    campo,
    lista_de_lineas,
)
from .valoracion import Valoracion

S1 = "1. INFORMACIÓN GENERAL"
S2 = "2. IDENTIFICACIÓN DE LA BUENA PRÁCTICA"
S3 = "3. CONTRIBUCIÓN DE LA BUENA PRÁCTICA"
S4 = "4. SOSTENIBILIDAD DE LA BUENA PRÁCTICA"
S5 = "5. CONCLUSIONES"
S6 = "6. ANEXOS"
SECCIONES: tuple[str, ...] = (S1, S2, S3, S4, S5, S6)


# Textos fijos del formato oficial: los imprime la plantilla y los reconoce el lector de fichas.
TITULO = "BUENAS PRÁCTICAS DE GESTIÓN PÚBLICA"
DEFINICION = (
    "Son \u201cactuaciones concretas, prácticas o soluciones basadas en ciertos conocimientos, investigaciones o "
    "experimentos y que, gracias a su utilidad y sencillez, brindan herramientas, métodos y técnicas, que pueden "
    "aumentar las posibilidades de éxito de la gestión y servir de ejemplo para otras entidades.\u201d"
)
NOTA_DAFP = "Metodología para la clasificación y documentación de buenas prácticas de gestión pública, DAFP 2021 p6."
NOTA_LEY_1581 = (
    "Nota: Los datos recolectados en esta ficha serán tratados bajo lo dispuesto en la Ley 1581 de 2012, "
    "\u201cPor el cual se dictan disposiciones generales para la protección de datos personales\u201d."
)


class Encabezado(Modelo):
    """Encabezado de los formatos de la Secretaría General (se repite en cada página).

    Ejemplo: [Referencia: ficha](../referencia/ficha.md#ejemplo).
    """

    entidad: Texto = campo("Entidad", "Texto de la celda del logo.", default="ALCALDÍA MAYOR DE BOGOTÁ D.C.")
    proceso: TextoObligatorio = campo("PROCESO", default="GESTIÓN DEL CONOCIMIENTO")
    procedimiento: TextoObligatorio = campo(
        "PROCEDIMIENTO", default="Buenas prácticas y lecciones aprendidas de gestión pública"
    )
    formato: TextoObligatorio = campo("FORMATO", default="Documentación de buenas prácticas de gestión pública")
    codigo: TextoObligatorio = campo("CÓDIGO", default="4202000-FT-1311")
    version: TextoObligatorio = campo("VERSIÓN", default="01")


_EXTENSIONES_IMAGEN = {".png", ".jpg", ".jpeg", ".gif", ".bmp"}
_FIRMAS_IMAGEN = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"GIF87a", b"GIF89a", b"BM")


class Anexo(Modelo):
    """Un soporte de la sección 6; ``archivo`` es una imagen que se incrusta en el documento.

    Ejemplo: [Referencia: ficha](../referencia/ficha.md#ejemplo).
    """

    nombre: TextoObligatorio = campo("Nombre del anexo")
    descripcion: Texto = campo("Descripción del anexo", default="")
    archivo: RutaArchivo | None = campo(
        "Archivo (imagen PNG o JPEG)",
        "Ruta de una imagen; si es relativa, se toma desde la carpeta del archivo de datos.",
        default=None,
    )

    @field_validator("archivo", mode="before")
    @classmethod
    def _vacio(cls, valor: Any) -> Any:
        return None if isinstance(valor, str) and not valor.strip() else valor

    @field_validator("archivo")
    @classmethod
    def _imagen_existente(cls, valor: Path | None, info: ValidationInfo) -> Path | None:
        if valor is None:
            return None
        base = (info.context or {}).get("base")
        ruta = valor if valor.is_absolute() or base is None else Path(base) / valor
        # Los mensajes nombran el campo (anexos[2].archivo), nunca el archivo: su nombre puede
        # llevar el nombre o la cédula de una persona.
        if not ruta.is_file():
            raise PydanticCustomError("archivo_inexistente", "el archivo de imagen no existe")
        if ruta.suffix.lower() not in _EXTENSIONES_IMAGEN:
            raise PydanticCustomError("imagen_invalida", "debe ser una imagen PNG, JPEG, GIF o BMP")
        with ruta.open("rb") as f:
            cabeza = f.read(8)
        if not cabeza.startswith(_FIRMAS_IMAGEN):
            raise PydanticCustomError("imagen_invalida", "el archivo no es una imagen válida (PNG, JPEG, GIF o BMP)")
        from .imagen import ImagenInvalida, revisar_imagen  # solo si hay imágenes (arranque)

        try:  # bytes y píxeles, antes de decodificar nada (solo la cabecera)
            revisar_imagen(ruta)
        except ImagenInvalida as exc:
            raise PydanticCustomError("imagen_invalida", str(exc)) from None
        from docx.image.image import Image as ImagenDocx  # python-docx solo si hay imágenes (arranque)

        try:  # la firma puede estar bien y el resto dañado: se lee como lo hará el motor
            ImagenDocx.from_file(str(ruta))
        except Exception:
            raise PydanticCustomError(
                "imagen_invalida", "la imagen está dañada: no se puede leer (PNG, JPEG, GIF o BMP)"
            ) from None
        return ruta.resolve()


class BuenaPractica(Modelo):
    """Ficha 4202000-FT-1311 «Documentación de buenas prácticas de gestión pública».

    Ejemplo: [Referencia: ficha](../referencia/ficha.md#ejemplo).
    """

    encabezado: Encabezado = Field(
        default_factory=Encabezado,
        title="Encabezado del formato",
        description="Proceso, procedimiento, formato, código y versión; por omisión los de la versión 01.",
    )
    fecha_diligenciamiento: Fecha = campo("Fecha de diligenciamiento del formato:")
    nombre: TextoObligatorio = campo("Nombre de la buena práctica de gestión pública:", seccion=S1)
    dependencia: TextoObligatorio = campo("Dependencia responsable de la buena práctica:", seccion=S1)
    directivo: Texto = campo("Directivo(a) de la dependencia:", seccion=S1, personal=True, default="")
    proceso: TextoObligatorio = campo("Proceso al que pertenece la buena práctica:", seccion=S1)
    equipo: TextoObligatorio = campo(
        "Equipo y/o grupo interno de trabajo donde se identifica la buena práctica:", seccion=S1
    )
    colaborador: Texto = campo("Colaborador(a) responsable:", seccion=S1, personal=True, default="")
    tipo_vinculacion: TextoObligatorio = campo(
        "Tipo de vinculación:", seccion=S1,
        examples=["Contratista", "Servidor(a) público(a) de carrera", "Provisional", "Libre nombramiento y remoción"],
    )
    telefono: Telefono = campo("Número de contacto:", seccion=S1, personal=True, default=None)
    correo: Correo = campo("Correo institucional de contacto:", seccion=S1, personal=True, default=None)
    fecha_inicio: Fecha = campo("Fecha de inicio de la buena práctica:", seccion=S1)
    descripcion: TextoObligatorio = campo(
        "Descripción de la buena práctica",
        "Describa brevemente la buena práctica, es decir información sobre las principales necesidades "
        "detectadas en el proceso, dependencia, producto y/o servicio. Se sugiere redactarla en clave de una "
        "necesidad o brecha de conocimiento identificada. Además, mencione las acciones fundamentales de ésta "
        "(beneficios generados a personas, procesos, proyectos, grupos de valor, etc.) y el conjunto de "
        "circunstancias que hacen parte de la buena práctica, por ejemplo, aspectos institucionales u otros "
        "factores determinantes (económicos, políticos, sociales, etc.).",
        seccion=S2,
    )
    linea_base: TextoObligatorio = campo(
        "Línea base:",
        "Enuncie cuál es la línea base, estado del arte o punto de partida de la buena práctica o situación a "
        "afrontar. ¿Cómo y cuáles fueron las soluciones o acciones de mejora? (Si las hubo).",
        seccion=S2,
    )
    poblacion_objetivo: TextoObligatorio = campo(
        "Población objetivo:",
        "Mencione los grupos poblacionales, sectores sociales y/o grupos de valor a los cuáles fue dirigida la "
        "buena práctica.",
        seccion=S2,
    )
    alcance: TextoObligatorio = campo(
        "Alcance:", "Mencione objetivos y tiempo en el que se desarrolló la buena práctica", seccion=S2
    )
    aporte: TextoObligatorio = campo(
        "Aporte de la buena práctica:",
        "Explicar porque la acción funciona bien o es susceptible de implementarse. Analice resultados y "
        "beneficios que produjo la buena práctica.",
        seccion=S3,
    )
    difusion: TextoObligatorio = campo(
        "Difusión:",
        "Describe brevemente las actividades de difusión de la buena práctica que realizó su dependencia. Si la "
        "difusión se realizó con algún tipo de recurso (carteles, fotografías, video y audio, etc.).",
        seccion=S3,
    )
    otros_aspectos: Texto = campo(
        "Otros aspectos:",
        "Agregue los comentarios y demás aspectos que quiera aclarar sobre la buena práctica.",
        seccion=S3,
        default="",
    )
    retos: list[TextoObligatorio] = campo(
        "Retos a futuro:", "Señale que desafíos y/o amenazas puede enfrentar esta buena práctica.",
        seccion=S4, min_length=1,
    )
    estabilidad: TextoObligatorio = campo(
        "Estabilidad de la buena práctica:",
        "Indique cambios duraderos verificables en el tiempo, período de implementación, medios para garantizar "
        "su continuidad y adaptación a otras situaciones. Indique que elementos de la buena práctica se quieren "
        "mantener en el tiempo y de qué forma se lograría dicho objetivo.",
        seccion=S4,
    )
    conclusiones: TextoObligatorio = campo("Conclusiones", seccion=S5)
    anexos: list[Anexo] = campo(
        "Anexos",
        "Anexe los soportes que se crean convenientes, que soporten la implementación de la buena práctica.",
        seccion=S6,
        default_factory=list,
    )
    valoracion: Valoracion | None = Field(
        default=None,
        title="Valoración DAFP",
        description="Opcional: criterios de Función Pública (2021) y el nivel que se deriva; no se imprime "
        "en la ficha, la usa el catálogo.",
    )

    @field_validator("retos", mode="before", json_schema_input_type=LISTA_DE_LINEAS)
    @classmethod
    def _retos_de_texto(cls, valor: Any) -> Any:
        if isinstance(valor, str):
            return lista_de_lineas(valor.replace("\r", "\n"))
        return valor

    @model_validator(mode="after")
    def _inicio_antes_de_documentar(self) -> BuenaPractica:
        # Una práctica se documenta cuando ya existe: si empieza después, una de las dos fechas está mal.
        if self.fecha_inicio > self.fecha_diligenciamiento:
            raise ValidationError.from_exception_data(type(self).__name__, [InitErrorDetails(
                type=PydanticCustomError(
                    "inicio_posterior",
                    "es posterior a fecha_diligenciamiento (Fecha de diligenciamiento del formato): "
                    "la práctica no puede empezar después de documentarse; revise las dos fechas",
                ),
                loc=("fecha_inicio",), input=self.fecha_inicio,
            )])
        return self


CAMPOS_NO_IMPRESOS: tuple[str, ...] = ("encabezado", "valoracion")
"""Campos que no son una etiqueta del formato (el encabezado va en la cabecera; la valoración, en el catálogo)."""

CAMPOS_TEXTO_LARGO: tuple[str, ...] = (
    "descripcion", "linea_base", "poblacion_objetivo", "alcance", "aporte",
    "difusion", "otros_aspectos", "estabilidad", "conclusiones",
)
"""Campos que se escriben en varios párrafos (línea en blanco = párrafo nuevo)."""
