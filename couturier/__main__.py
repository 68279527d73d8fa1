from couturier.cli import main

main()
