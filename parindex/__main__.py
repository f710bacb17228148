from parindex.cli import main

main()
