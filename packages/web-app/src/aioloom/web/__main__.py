from .server._cli import main

main()
