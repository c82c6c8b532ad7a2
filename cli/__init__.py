"""The project's command line, carried by the Flask app: `flask --app app ...`."""
import flask

from cli import db, demo, exports, imports, partners, stats, users


def register_commands(server: flask.Flask) -> None:
    for command in (db.db, demo.demo, exports.exports, exports.export, imports.import_command, partners.partner,
                    stats.stats, users.users):
        server.cli.add_command(command)
