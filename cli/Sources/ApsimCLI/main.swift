import ArgumentParser

// The entry point (a main.swift rather than @main: SwiftPM names the entry of an executable
// target itself).
Apsim.main(declared: declaredOptions)
