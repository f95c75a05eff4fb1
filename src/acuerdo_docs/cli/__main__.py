from . import principal

# Guardado: multiprocessing (spawn/forkserver) vuelve a importar __main__ en cada trabajador.
if __name__ == "__main__":
    principal()
