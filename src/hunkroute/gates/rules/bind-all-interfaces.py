import socket


def serve(app, port):
    server = socket.socket()
    # ruleid: bind-all-interfaces
    server.bind(("0.0.0.0", port))
    # ruleid: bind-all-interfaces
    app.run(host="0.0.0.0", port=port)
    # ok: bind-all-interfaces
    server.bind(("127.0.0.1", port))
    # ok: bind-all-interfaces
    app.run(host="localhost", port=port)
