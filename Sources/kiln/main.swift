print("kiln: under construction")
