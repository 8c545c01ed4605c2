from maatstaf.cli import main

main()
