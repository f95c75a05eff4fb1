-- Una base de «acuerdo-docs web» 0.2.0 (migración Alembic 0001, borradores con version_esquema 1),
-- escrita por el código de 0.2.0 (commit a180396) y volcada con «pg_dump --inserts» (PostgreSQL 15).
-- No se regenera: es la forma vieja de la que las pruebas migran (tests/test_web_migracion_vieja.py).
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: alembic_version; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.alembic_version (
    version_num character varying(32) NOT NULL
);


--
-- Name: borradores; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.borradores (
    id integer NOT NULL,
    tipo character varying(16) NOT NULL,
    titulo character varying(300) NOT NULL,
    datos jsonb NOT NULL,
    version_esquema integer NOT NULL,
    errores integer NOT NULL,
    creado timestamp without time zone NOT NULL,
    modificado timestamp without time zone NOT NULL,
    version integer NOT NULL
);


--
-- Name: borradores_id_seq; Type: SEQUENCE; Schema: public; Owner: -
--

CREATE SEQUENCE public.borradores_id_seq
    AS integer
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1;


--
-- Name: borradores_id_seq; Type: SEQUENCE OWNED BY; Schema: public; Owner: -
--

ALTER SEQUENCE public.borradores_id_seq OWNED BY public.borradores.id;


--
-- Name: borradores id; Type: DEFAULT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.borradores ALTER COLUMN id SET DEFAULT nextval('public.borradores_id_seq'::regclass);


--
-- Data for Name: alembic_version; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.alembic_version VALUES ('0001');


--
-- Data for Name: borradores; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.borradores VALUES (1, 'ficha', 'Acuerdo simbólico: Potenciando la Innovación Pública a través de la cooperación eficiente del trabajo interseccional de las entidades', '{"retos": ["Al involucrar a diferentes entidades y a diferentes sectores tanto públicos, privados como académicos el alcance puede cambiar a partir del nivel de involucramiento de cada actor.", "Cuando nuevos equipos llegan con una nueva administración, es posible que consideren el ''acuerdo simbólico'' como una herramienta débil debido a la falta de compromisos contractuales formales. Sin embargo, nuestro equipo de innovación pública ha encontrado que esta herramienta es efectiva, especialmente en el contexto de la innovación. En muchas ocasiones, el alcance de los proyectos de innovación no es del todo claro para las personas involucradas. En este sentido, el valor de este instrumento radica en la capacidad de definir responsabilidades y gestionar las expectativas, lo que ha demostrado ser fundamental para el éxito de nuestros proyectos de innovación."], "anexos": [], "aporte": "La práctica funciona y es susceptible a implementar porque al ser un proceso con una metodología de innovación muchas veces de entrada puede ser difuso garantizar el compromiso de las entidades que pueden ser implementadoras de la solución. Pensar en su alcance y responsabilidades desde un inicio garantiza su participación.\n\nEl acuerdo simbólico permite acotar el alcance y la participación de cada una de las entidades que participan en el proceso. Así nos permitirá aterrizar todo un proceso de innovación en acciones puntuales que habilitaran pensar en la sostenibilidad de la solución.", "correo": "julian.moreno@ejemplo.gov.co", "equipo": "Equipo de Makers de Soluciones", "nombre": "Acuerdo simbólico: Potenciando la Innovación Pública a través de la cooperación eficiente del trabajo interseccional de las entidades", "alcance": "Estamos en proceso de implementación. La firma simbólica es una práctica que hemos estado aplicando al inicio de cada uno de los desafíos que estamos desarrollando a lo largo de 2023. Su objetivo principal es generar un compromiso por parte de las entidades, de modo que cada una asuma un rol, actividad o responsabilidad a lo largo de todo el proceso. Esto es fundamental dado que, en última instancia, son las entidades quienes tienen la responsabilidad de ejecutar la solución de innovación. El equipo de innovación pública, por su parte, aporta sus capacidades y tiempo para colaborativamente definir la mejor opción para abordar los desafíos de ciudad.", "proceso": "Gobierno abierto y relación con la ciudadanía", "difusion": "Se hicieron reuniones de socialización, se construyó una matriz de riesgos y se presentó de forma infográfica.", "telefono": "601 3813000 ext. 1271", "directivo": "Laura Camila Restrepo Ardila", "encabezado": {"codigo": "4202000-FT-1311", "entidad": "ALCALDÍA MAYOR DE BOGOTÁ D.C.", "formato": "Documentación de buenas prácticas de gestión pública", "proceso": "GESTIÓN DEL CONOCIMIENTO", "version": "01", "procedimiento": "Buenas prácticas y lecciones aprendidas de gestión pública"}, "linea_base": "Esta buena práctica ha surgido en respuesta a la necesidad de involucrar activamente a las entidades durante todo el proceso de innovación. A través de lecciones aprendidas de nuestros procesos anteriores, hemos identificado que la clave para el éxito radica en garantizar una clara articulación en la cual todos los actores comprendan su rol y responsabilidades, lo que permite tener un entendimiento más sólido del alcance del proceso.", "colaborador": "Julián Andrés Moreno Téllez", "dependencia": "Alta Consejería TIC", "descripcion": "Hemos exitosamente introducido una herramienta innovadora conocida como el ''Acuerdo Simbólico''. Esta herramienta ha demostrado ser fundamental para fortalecer nuestras alianzas con las entidades colaboradoras y ampliar significativamente el impacto de nuestros proyectos de innovación pública. Esta práctica surgió en respuesta a la necesidad de asegurar la participación de las entidades responsables de implementar las soluciones que surgen de nuestros procesos de innovación. Hemos identificado que establecer acuerdos claros y una comunicación efectiva desde el inicio garantiza el compromiso continuo de estas entidades a lo largo de todo el proceso.\n\nPara establecer el acuerdo simbólico, el equipo de iBO identificó cuáles podían ser las responsabilidades y los roles de cada uno de los actores involucrados, y al momento de iniciar la reunión de inicio del proyecto cada actor valida si efectivamente ese fuera su compromiso: talento humano, equipo, recursos y demás.", "estabilidad": "La firma simbólica puede verificarse durante el nivel de compromiso de cada una de las entidades a la hora de asumir un reto, entender hasta donde va el nivel de compromiso para garantizar su escalabilidad y materialización de los prototipos que surgen durante el proceso de innovación. Así por ejemplo, en el equipo de innovación pública construimos una hoja de ruta que nos permite visualizar las acciones que necesitamos cumplir para llegar a la construcción de un prototipo, acá podemos ver el avance y las responsabilidades cumplidas por parte del equipo de la entidad.\n\nPara garantizar que esta buena práctica se replique y se adapte a otras entidades es necesario que se acote los compromisos, que se generen acuerdos reales y conjuntos entre los actores. Pero sobre todo reconocer el alcance de cada quien y los roles durante el proceso para que se pueda efectuar una articulación efectiva.", "conclusiones": "El Acuerdo Simbólico se convirtió en un medio que fortalece los compromisos de la Administración Distrital con diferentes actores públicos y privados para agilizar las acciones mancomunadas de innovación en beneficio de la comunidad.", "fecha_inicio": "2023-03-01", "otros_aspectos": "", "tipo_vinculacion": "Contratista", "poblacion_objetivo": "Funcionarios, contratistas, servidores públicos y tomadores de decisiones para que se pueda garantizar un trabajo colaborativo entre entidades.", "fecha_diligenciamiento": "2023-10-24"}', 1, 0, '2026-12-01 09:00:00', '2026-12-01 09:01:00', 1);
INSERT INTO public.borradores VALUES (2, 'acuerdo', 'Movilidad segura en los entornos escolares de Kennedy', '{"fecha": "2023-03-14", "lugar": "Bogotá D.C., sala de juntas de la Secretaría Distrital de Movilidad", "actores": [{"id": "act", "rol": "Facilitador del desafío y secretaría técnica del acuerdo", "cargo": "Líder del laboratorio de innovación pública iBO", "sector": "publico", "entidad": "Alta Consejería Distrital de TIC", "validado": true, "compromisos": [{"tipo": "talento_humano", "estado": "pendiente", "evidencia": "", "descripcion": "Equipo de Makers de Soluciones de iBO (tres personas, medio tiempo)"}, {"tipo": "equipo", "estado": "pendiente", "evidencia": "", "descripcion": "Espacio del laboratorio y herramientas de diseño colaborativo"}, {"tipo": "otro", "estado": "pendiente", "evidencia": "", "descripcion": "Metodología de innovación pública y facilitación de talleres"}], "representante": "Laura Camila Rincón", "responsabilidades": ["Convocar y moderar las sesiones de cocreación", "Llevar la hoja de ruta y la matriz de riesgos del desafío", "Acompañar la construcción y la prueba del prototipo"]}, {"id": "sdm", "rol": "Entidad líder del reto e implementadora de la solución", "cargo": "Director de Seguridad Vial (ejemplo)", "correo": "andres.moreno@ejemplo.gov.co", "sector": "publico", "entidad": "Secretaría Distrital de Movilidad", "validado": true, "compromisos": [{"tipo": "talento_humano", "estado": "pendiente", "evidencia": "", "descripcion": "Un enlace técnico y un analista de datos de seguridad vial"}, {"tipo": "recursos", "estado": "pendiente", "evidencia": "", "descripcion": "Datos de siniestralidad y aforos vehiculares de Kennedy"}, {"tipo": "equipo", "estado": "pendiente", "evidencia": "", "descripcion": "Señalización temporal para la prueba piloto"}], "representante": "Andrés Felipe Moreno", "responsabilidades": ["Designar un enlace técnico con capacidad de decisión", "Entregar los datos de siniestralidad vial de los entornos escolares priorizados", "Validar el prototipo y estudiar su escalamiento"]}, {"id": "idu", "rol": "Asesor técnico en infraestructura vial", "cargo": "Profesional especializada de diseño vial", "sector": "publico", "entidad": "Instituto de Desarrollo Urbano", "validado": true, "compromisos": [{"tipo": "talento_humano", "estado": "pendiente", "evidencia": "", "descripcion": "Una ingeniera de diseño vial, cuatro horas por semana"}, {"tipo": "recursos", "estado": "pendiente", "evidencia": "", "descripcion": "Inventario de malla vial y espacio público"}], "representante": "Paola Andrea Cárdenas", "responsabilidades": ["Revisar la viabilidad técnica de las intervenciones en vía y andén", "Compartir el inventario de malla vial y espacio público de los entornos priorizados"]}, {"id": "univ", "rol": "Aliado académico para la medición y la evaluación", "cargo": "Docente investigador", "sector": "academico", "entidad": "Universidad Distrital Francisco José de Caldas", "validado": true, "compromisos": [{"tipo": "talento_humano", "estado": "pendiente", "evidencia": "", "descripcion": "Dos docentes investigadores y cuatro estudiantes de ingeniería"}, {"tipo": "equipo", "estado": "pendiente", "evidencia": "", "descripcion": "Sensores de conteo peatonal del laboratorio de tránsito"}], "representante": "Julián Esteban Vargas", "responsabilidades": ["Diseñar la línea base y los indicadores del piloto", "Medir el comportamiento peatonal antes y después del piloto", "Publicar la evaluación con datos abiertos"]}, {"id": "empresa", "rol": "Aliado tecnológico para el prototipo", "cargo": "Gerente de proyectos", "sector": "privado", "entidad": "Movilidad Conectada S.A.S. (empresa ficticia)", "validado": false, "compromisos": [{"tipo": "talento_humano", "estado": "pendiente", "evidencia": "", "descripcion": "Un desarrollador y una diseñadora de experiencia durante doce semanas"}, {"tipo": "recursos", "estado": "pendiente", "evidencia": "", "descripcion": "Servidores en la nube para el piloto, sin costo para el Distrito"}], "representante": "Natalia Sofía Herrera", "responsabilidades": ["Desarrollar el prototipo del tablero de alertas de cruces escolares", "Transferir el código y la documentación a la Secretaría al terminar el piloto"]}, {"id": "jac", "rol": "Voz de la comunidad educativa y vecinal", "cargo": "Presidenta de la junta", "sector": "sociedad_civil", "entidad": "Junta de Acción Comunal del barrio Patio Bonito", "validado": true, "compromisos": [{"tipo": "talento_humano", "estado": "pendiente", "evidencia": "", "descripcion": "Líderes comunales y voluntarios para las jornadas de prueba"}, {"tipo": "otro", "estado": "pendiente", "evidencia": "", "descripcion": "Salón comunal para los talleres con la comunidad"}], "representante": "Martha Cecilia Ñungo", "responsabilidades": ["Convocar a madres, padres y vecinos a los talleres", "Acompañar las pruebas del prototipo en los entornos escolares"]}], "alcance": "El desafío cubre los entornos de tres colegios distritales de la localidad de Kennedy y llega hasta un prototipo probado en campo y una recomendación de escalamiento.\n\nNo incluye obras de infraestructura permanentes ni la contratación de la solución definitiva, que quedan en cabeza de las entidades competentes.", "cierres": [], "desafio": {"nombre": "Movilidad segura en los entornos escolares de Kennedy", "descripcion": "Familias, docentes y vecinos de Kennedy señalan cruces peligrosos en los entornos escolares a la hora de entrada y salida de clases. El desafío busca entender dónde y por qué ocurren los incidentes y probar con la comunidad soluciones rápidas y de bajo costo."}, "riesgos": [{"id": "R1", "tipo": "gestion", "causa": "Los compromisos de talento humano, equipo y recursos se validan de palabra en la reunión de inicio y cada actor los ajusta según sus prioridades", "impacto": 4, "controles": [{"tipo": "preventivo", "evidencia": "con_registro", "frecuencia": "continua", "descripcion": "En la reunión de inicio cada actor valida por escrito sus responsabilidades y roles en el acuerdo simbólico", "responsable": "act", "documentacion": "documentado", "implementacion": "manual"}, {"tipo": "detectivo", "descripcion": "El tablero de la hoja de ruta alerta cada semana los hitos sin avance registrado por cada entidad", "responsable": "act", "implementacion": "automatico"}], "descripcion": "Posibilidad de pérdida reputacional por cambios en el alcance del prototipo debido a que el nivel de involucramiento de cada actor (público, privado y académico) varía durante el desafío", "plan_accion": "Revisar el acuerdo simbólico en cada comité de seguimiento y ajustar la hoja de ruta con los compromisos vigentes", "responsable": "act", "tratamiento": "reducir", "consecuencia": "El prototipo se entrega incompleto o fuera de tiempo y las entidades pierden confianza en el laboratorio", "probabilidad": 4, "clasificacion": "Ejecución y administración de procesos", "fecha_seguimiento": "2023-11-30", "impacto_economico": 3, "impacto_reputacional": 4}, {"id": "R2", "tipo": "gestion", "causa": "El acuerdo simbólico no tiene fuerza vinculante y el cambio de gobierno de 2024 renueva directivos y prioridades", "impacto": 5, "controles": [{"tipo": "preventivo", "descripcion": "Informe de empalme con los resultados del desafío y los compromisos cumplidos por cada entidad", "responsable": "act", "implementacion": "manual"}, {"tipo": "correctivo", "descripcion": "Sesión de socialización con los nuevos directivos para presentar la infografía y el estado del prototipo", "responsable": "sdm", "implementacion": "manual"}], "descripcion": "Posibilidad de pérdida reputacional por el desconocimiento del acuerdo simbólico por parte de una nueva administración debido a que el acuerdo no es contractual y se percibe como un compromiso débil", "plan_accion": "Incluir el desafío en el informe de empalme y gestionar un memorando de entendimiento con las entidades clave", "responsable": "act", "tratamiento": "reducir", "consecuencia": "Las entidades abandonan el desafío y la solución no se implementa", "probabilidad": 3, "clasificacion": "Usuarios, productos y prácticas", "fecha_seguimiento": "2023-12-15"}, {"id": "R3", "tipo": "gestion", "causa": "No existe un protocolo de intercambio de datos entre la Secretaría de Movilidad y el laboratorio", "impacto": 3, "controles": [{"tipo": "detectivo", "descripcion": "Extracción programada del portal de datos abiertos con verificación automática de la fecha de corte", "responsable": "sdm", "implementacion": "automatico"}], "descripcion": "Posibilidad de pérdida económica por el retraso en la entrega de los datos de siniestralidad vial debido a la falta de un acuerdo de intercambio de información entre entidades", "plan_accion": "Firmar un acta de intercambio de información antes de la fase de ideación", "responsable": "sdm", "tratamiento": "reducir", "consecuencia": "El análisis del problema se hace con datos desactualizados y el prototipo se valida tarde", "probabilidad": 2, "clasificacion": "Fallas tecnológicas", "fecha_seguimiento": "2023-11-10"}, {"id": "R4", "tipo": "gestion", "causa": "La convocatoria se difunde solo por canales institucionales", "impacto": 2, "controles": [{"tipo": "preventivo", "descripcion": "La junta de acción comunal confirma la convocatoria con quince días de anticipación", "responsable": "jac", "implementacion": "manual"}], "descripcion": "Posibilidad de pérdida reputacional por la baja participación de la comunidad en las pruebas del prototipo debido a que las convocatorias no llegan a tiempo a las juntas de acción comunal", "plan_accion": "Mantener el calendario de convocatorias con la junta de acción comunal", "responsable": "jac", "tratamiento": "aceptar", "consecuencia": "El prototipo no refleja las necesidades de los usuarios del entorno escolar", "probabilidad": 3, "clasificacion": "Usuarios, productos y prácticas", "fecha_seguimiento": "2023-11-30"}, {"id": "R5", "tipo": "gestion", "causa": "El aporte de la empresa es voluntario y depende de su presupuesto anual", "impacto": 1, "controles": [], "descripcion": "Posibilidad de pérdida económica por el retiro de los equipos de medición aportados por la empresa aliada debido a cambios en su presupuesto de responsabilidad social", "plan_accion": "", "responsable": "empresa", "tratamiento": "aceptar", "consecuencia": "Se detienen las mediciones de velocidad en los entornos escolares", "probabilidad": 1, "clasificacion": "Daños a activos fijos/eventos externos"}, {"id": "R6", "tipo": "gestion", "causa": "Los formatos de encuesta del piloto piden nombre y documento de los estudiantes sin un procedimiento de anonimización", "impacto": 5, "controles": [{"tipo": "preventivo", "descripcion": "La universidad revisa y anonimiza las bases antes de compartirlas con las entidades", "responsable": "univ", "implementacion": "manual"}], "descripcion": "Posibilidad de pérdida reputacional por la publicación de datos personales de estudiantes en los informes del piloto debido a que los formatos de recolección no separan los datos sensibles", "plan_accion": "Rediseñar los formatos de encuesta para no recolectar datos de identificación de los estudiantes", "responsable": "univ", "tratamiento": "evitar", "consecuencia": "Incumplimiento de la Ley 1581 de 2012 y pérdida de confianza de las familias", "probabilidad": 5, "clasificacion": "Ejecución y administración de procesos", "fecha_seguimiento": "2023-11-03"}, {"id": "R7", "tipo": "gestion", "causa": "Las obras de mantenimiento vial no consultan los pilotos en curso", "impacto": 2, "controles": [{"tipo": "preventivo", "descripcion": "El IDU registra el piloto en su sistema de coordinación de obras, que avisa de intervenciones en la zona", "responsable": "idu", "implementacion": "automatico"}], "descripcion": "Posibilidad de pérdida económica por el daño de la señalización temporal instalada en el prototipo debido a obras en la vía no coordinadas con el IDU", "plan_accion": "Acordar con el IDU la reposición de la señalización afectada por obras", "responsable": "idu", "tratamiento": "compartir", "consecuencia": "Se debe reinstalar la señalización y se repiten mediciones", "probabilidad": 4, "clasificacion": "Daños a activos fijos/eventos externos", "fecha_seguimiento": "2023-11-20"}], "objetivo": "Reducir el riesgo de siniestros viales de niñas, niños y adolescentes en los entornos escolares de Kennedy con un prototipo de alertas y señalización temporal construido entre las entidades del Distrito, la academia, una empresa aliada y la comunidad.", "encabezado": {"codigo": "POR ASIGNAR", "entidad": "ALCALDÍA MAYOR DE BOGOTÁ D.C.", "formato": "Acuerdo simbólico de corresponsabilidad", "proceso": "GOBIERNO ABIERTO Y RELACIÓN CON LA CIUDADANÍA", "version": "01", "procedimiento": "Innovación pública – Laboratorio iBO"}, "facilitador": {"aporte": "Sus capacidades y su tiempo para definir colaborativamente la mejor opción para abordar el desafío de ciudad: metodología de innovación pública, facilitación de las sesiones de cocreación y acompañamiento hasta el prototipo.", "equipo": "iBO – Equipo de Makers de Soluciones", "entidad": "Alta Consejería Distrital de TIC"}, "fecha_corte": "2023-10-24", "seguimiento": [], "hoja_de_ruta": [{"fin": "2023-03-14", "fase": "1. Entender", "avance": 100, "inicio": "2023-03-14", "actividad": "Reunión de inicio y firma del acuerdo simbólico", "responsable": "act"}, {"fin": "2023-05-15", "fase": "1. Entender", "avance": 100, "inicio": "2023-03-20", "actividad": "Diagnóstico de siniestralidad en los entornos escolares", "responsable": "sdm"}, {"fin": "2023-06-30", "fase": "2. Idear", "avance": 100, "inicio": "2023-05-22", "actividad": "Talleres de cocreación con la comunidad educativa", "responsable": "jac"}, {"fin": "2023-07-31", "fase": "2. Idear", "avance": 80, "inicio": "2023-06-01", "actividad": "Línea base e indicadores del piloto", "responsable": "univ"}, {"fin": "2023-09-29", "fase": "3. Prototipar", "avance": 60, "inicio": "2023-07-18", "actividad": "Viabilidad técnica de las intervenciones en vía y andén", "responsable": "idu"}, {"fin": "2023-11-17", "fase": "3. Prototipar", "avance": 55, "inicio": "2023-08-01", "actividad": "Desarrollo del prototipo del tablero de alertas", "responsable": "empresa"}, {"fin": "2024-02-16", "fase": "4. Probar y escalar", "avance": 0, "inicio": "2023-11-20", "actividad": "Prueba piloto en tres colegios de Kennedy", "responsable": "sdm"}, {"fin": "2024-03-29", "fase": "4. Probar y escalar", "avance": 0, "inicio": "2024-02-19", "actividad": "Evaluación del piloto y recomendación de escalamiento", "responsable": "univ"}]}', 1, 0, '2026-12-01 09:00:00', '2026-12-01 09:02:00', 1);
INSERT INTO public.borradores VALUES (3, 'ficha', 'Ñandú «a medias»', '{"anexos": [{"nombre": "Foto del taller", "archivo": "/var/lib/acuerdo-docs/anexos/3/KP7a5f88LEmgO7SQ.png"}], "nombre": "Ñandú «a medias»"}', 1, 15, '2026-12-01 09:00:00', '2026-12-01 09:03:00', 4);


--
-- Name: borradores_id_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.borradores_id_seq', 3, true);


--
-- Name: alembic_version alembic_version_pkc; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.alembic_version
    ADD CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num);


--
-- Name: borradores borradores_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.borradores
    ADD CONSTRAINT borradores_pkey PRIMARY KEY (id);


--
-- Name: ix_borradores_modificado; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX ix_borradores_modificado ON public.borradores USING btree (modificado);


--
-- PostgreSQL database dump complete
--


