"""upgrades"""
