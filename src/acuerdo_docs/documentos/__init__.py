"""Los documentos: ficha, acuerdo, matriz, informe de lote, catálogo, combinado."""
