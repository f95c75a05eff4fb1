"""La maquinaria de salida: motor Word, PDF, Excel, nombres y escritura atómica."""
