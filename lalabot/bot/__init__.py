"""The discord.py adapter: a thin layer over `lalabot.service`."""
