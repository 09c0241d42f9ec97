"""PostgreSQL through Django's own backend, on the embedded server of ``DATA_DIR``.

Nothing happens at import or at settings time. Each new connection asks where the server of
``settings_dict["DATA_DIR"]`` listens (its ``postmaster.pid``) and starts it first if it is
not running (``config.embedded_db.ensure_server``), so a server stopped and started again on
another port is found by the next connection.
"""

from __future__ import annotations

from django.db.backends.postgresql import base, client

from config import embedded_db


class DatabaseClient(client.DatabaseClient):
    def runshell(self, parameters):
        self.connection.ensure_server()
        super().runshell(parameters)


class DatabaseWrapper(base.DatabaseWrapper):
    client_class = DatabaseClient

    def ensure_server(self) -> None:
        """Fill HOST and PORT from the running server, starting it if need be."""
        data_dir = self.settings_dict["DATA_DIR"]
        status = embedded_db.server_status(data_dir)
        if status is None:
            params = embedded_db.ensure_server(data_dir)
            self.settings_dict.update(HOST=params["HOST"], PORT=params["PORT"])
        else:
            self.settings_dict.update(HOST=status["socket_dir"], PORT=str(status["port"]))

    def get_connection_params(self):
        self.ensure_server()
        return super().get_connection_params()
