"""workstation"""
