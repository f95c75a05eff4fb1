"""Verificación de plantillas Word propias: construcciones prohibidas, datos de prueba y ensayo."""
